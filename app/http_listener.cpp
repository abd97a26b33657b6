// HttpListener: QTcpServer with incomingConnection() passing the descriptor through a signal
// instead of wrapping it in a QTcpSocket. Not where limits are applied: the server does that.
#include "app/http_listener.h"

namespace sigma::app {

void HttpListener::incomingConnection(qintptr descriptor) { emit accepted(descriptor); }

}  // namespace sigma::app
