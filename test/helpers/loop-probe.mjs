// Preloaded into a server child process (`node --import ./test/helpers/loop-probe.mjs …`) by the reliability
// suite: measures the main thread's event-loop delay and answers the parent over IPC with the worst delay since
// the last reset, the RSS peak sampled since then (every 50 ms, off the event loop's own work), and the
// process's lifetime peak RSS (worker threads included: they share the process).
import { monitorEventLoopDelay } from "node:perf_hooks";

const histogram = monitorEventLoopDelay({ resolution: 10 });
histogram.enable();
let windowPeak = 0;
let windowPeakBuffers = 0;
const sampler = setInterval(() => {
  windowPeak = Math.max(windowPeak, process.memoryUsage.rss());
  windowPeakBuffers = Math.max(windowPeakBuffers, process.memoryUsage().arrayBuffers);
}, 50);
sampler.unref();
process.on("message", (message) => {
  if (message === "reset") {
    histogram.reset();
    windowPeak = process.memoryUsage.rss();
    windowPeakBuffers = process.memoryUsage().arrayBuffers;
    process.send?.({ reset: true });
  } else if (message === "report") {
    process.send?.({
      maxLoopDelayMs: histogram.max / 1e6,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      windowPeakRssMb: Math.max(windowPeak, process.memoryUsage.rss()) / 1024 / 1024,
      rssMb: process.memoryUsage().rss / 1024 / 1024,
      windowPeakArrayBuffersMb: Math.max(windowPeakBuffers, process.memoryUsage().arrayBuffers) / 1024 / 1024,
    });
  }
});
// The IPC channel must not keep a server alive that was told to stop.
process.channel?.unref();
