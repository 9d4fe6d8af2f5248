// The baseline of benchmarks/webhook_bench.py: a Probot app whose handlers do nothing.
export default (app) => {
  app.onAny(async () => {});
};
