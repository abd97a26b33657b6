// A real OpenAI client (the `openai` npm package) exercising a Sigma server: lists models, asks
// for a completion with and without streaming, and provokes a 400 and a 401.
// Not a benchmark: it prints one JSON object with what it saw, for the Qt test to check.
// Usage: node client.js BASE_URL API_KEY   (the package is found through SIGMA_OPENAI_NODE_MODULES)
'use strict';
const path = require('path');

const modules = process.env.SIGMA_OPENAI_NODE_MODULES;
if (!modules) {
  console.error('SIGMA_OPENAI_NODE_MODULES is not set');
  process.exit(3);
}
const OpenAI = require(path.join(modules, 'openai'));

async function main() {
  const [baseURL, apiKey] = process.argv.slice(2);
  const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 120000 });
  const out = {};

  const models = await client.models.list();
  out.models = models.data.map((m) => m.id);

  const request = {
    model: out.models[0],
    messages: [{ role: 'user', content: 'show gpu memory' }],
    max_tokens: 12,
    temperature: 0,
  };
  const completion = await client.chat.completions.create(request);
  out.text = completion.choices[0].message.content;
  out.finish_reason = completion.choices[0].finish_reason;
  out.usage = completion.usage;

  const stream = await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
  out.stream_text = '';
  out.stream_chunks = 0;
  for await (const chunk of stream) {
    out.stream_chunks += 1;
    if (chunk.usage) out.stream_usage = chunk.usage;
    if (chunk.choices.length && chunk.choices[0].delta.content) out.stream_text += chunk.choices[0].delta.content;
  }

  try {
    await client.chat.completions.create({ model: 'x', messages: [] });
    out.bad_request_status = 'no error';
  } catch (e) {
    out.bad_request_status = e.status;
    out.bad_request_message = e.message;
  }

  const wrongKey = new OpenAI({ baseURL, apiKey: 'wrong-key', maxRetries: 0 });
  try {
    await wrongKey.models.list();
    out.wrong_key_status = 'no error';
  } catch (e) {
    out.wrong_key_status = e.status;
  }
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(`openai client failed: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
