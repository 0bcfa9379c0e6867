package dev.ratelimiter.agent.store.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Linux's pressure stall information for CPU ({@code /proc/pressure/cpu}): how long, in total, some
 * runnable task of the machine waited for a CPU. A Redis call outstanding while that grows as fast
 * as time passes ran on a starved machine, where Redis waits for a CPU like everyone else.
 */
final class CpuPressure {

  private static final Path FILE = Path.of("/proc/pressure/cpu");
  private static volatile boolean available = Files.isReadable(FILE);

  private CpuPressure() {}

  /** Microseconds some task has waited for a CPU since boot; -1 where the kernel does not say. */
  static long stalledMicros() {
    if (!available) {
      return -1;
    }
    try {
      String text = Files.readString(FILE);
      int at = text.indexOf("total=");
      if (text.startsWith("some") && at > 0) {
        int end = at + 6;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
          end++;
        }
        return Long.parseLong(text, at + 6, end, 10);
      }
    } catch (IOException | NumberFormatException e) {
      // read below
    }
    available = false;
    return -1;
  }
}
