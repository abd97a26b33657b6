cat <<EOF | kubectl apply -f -
kind: $(hostname)
EOF
echo done
