// The same workload as bench_pubsub.cpp, driven by @google-cloud/pubsub (gRPC to the emulator
// named by PUBSUB_EMULATOR_HOST), with the client's default batching and flow control:
//  1. publish throughput: N messages of S bytes, at most C publishes in flight;
//  2. end-to-end latency: messages published at a fixed rate while a subscriber acks them.
// Prints one JSON line.
'use strict';
const { PubSub } = require('@google-cloud/pubsub');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? Number(process.argv[i + 1]) : fallback;
}

const messages = arg('--messages', 50000);
const size = arg('--size', 200);
const concurrency = arg('--concurrency', 1000);
const latencyMessages = arg('--latency-messages', 5000);
const rate = arg('--rate', 1000);
// 0 = the client's default batching (100 messages, 1 MB, 10 ms); else maxMessages per request.
const batchMaxMessages = arg('--batch-max-messages', 0);

const nowNs = () => process.hrtime.bigint();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function percentile(v, p) {
  if (v.length === 0) return 0;
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

async function main() {
  if (!process.env.PUBSUB_EMULATOR_HOST) {
    console.error('set PUBSUB_EMULATOR_HOST (the benchmark runs against the emulator)');
    process.exit(2);
  }
  const pubsub = new PubSub({ projectId: process.env.PUBSUB_PROJECT_ID || 'vibework-project' });
  const suffix = Math.random().toString(16).slice(2, 10);
  const batching = batchMaxMessages > 0 ? { batching: { maxMessages: batchMaxMessages, maxMilliseconds: 10 } } : {};
  const [created] = await pubsub.createTopic(`bench-node-${suffix}`);
  const topic = pubsub.topic(created.name, batching);
  const [sub] = await topic.createSubscription(`bench-node-sub-${suffix}`);
  const [latCreated] = await pubsub.createTopic(`bench-node-lat-${suffix}`);
  const latTopic = pubsub.topic(latCreated.name, batching);
  const [latSub] = await latTopic.createSubscription(`bench-node-lat-sub-${suffix}`);
  const payload = Buffer.alloc(size, 'x');

  // 1. Publish throughput, at most `concurrency` in flight.
  let failures = 0;
  const t0 = nowNs();
  let next = 0;
  async function worker() {
    while (next < messages) {
      const i = next++;
      try {
        await topic.publishMessage({ data: payload, attributes: { i: String(i) } });
      } catch (e) {
        if (failures++ === 0) console.error('publish failed:', e.message);
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const publishSeconds = Number(nowNs() - t0) / 1e9;

  // 2. End-to-end latency at a fixed rate.
  const latencies = [];
  let resolveDone;
  const done = new Promise((r) => (resolveDone = r));
  latSub.on('message', (m) => {
    m.ack();
    latencies.push(Number(nowNs() - BigInt(m.attributes.t0)) / 1e6);
    if (latencies.length >= latencyMessages) resolveDone();
  });
  latSub.on('error', (e) => console.error('subscriber error:', e.message));
  const start = nowNs();
  const pending = [];
  for (let i = 0; i < latencyMessages; i++) {
    const due = start + BigInt(Math.floor((i * 1e9) / rate));
    const wait = Number(due - nowNs()) / 1e6;
    if (wait > 0) await sleep(wait);
    pending.push(
      latTopic.publishMessage({ data: payload, attributes: { t0: String(nowNs()) } }).catch((e) => {
        failures++;
        console.error('publish failed:', e.message);
      })
    );
  }
  await Promise.all(pending);
  await Promise.race([done, sleep(60000)]);
  await latSub.close();
  await sub.delete();
  await latSub.delete();
  await topic.delete();
  await latTopic.delete();

  console.log(
    JSON.stringify({
      client: batchMaxMessages > 0 ? `node @google-cloud/pubsub, batches of ${batchMaxMessages}` : 'node @google-cloud/pubsub',
      messages,
      size,
      concurrency,
      publish_seconds: Number(publishSeconds.toFixed(3)),
      publish_msgs_per_s: Math.round(messages / publishSeconds),
      failures,
      latency_messages: latencyMessages,
      latency_received: latencies.length,
      rate,
      e2e_p50_ms: Number(percentile(latencies, 0.5).toFixed(2)),
      e2e_p99_ms: Number(percentile(latencies, 0.99).toFixed(2)),
    })
  );
  await pubsub.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
