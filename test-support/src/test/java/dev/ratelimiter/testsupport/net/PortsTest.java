package dev.ratelimiter.testsupport.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@DisplayName("Test ports come from below the kernel's ephemeral range, each once")
class PortsTest {

  @Test
  @EnabledOnOs(OS.LINUX)
  void belowTheEphemeralRange() throws Exception {
    int low = Ports.ephemeralLow();
    String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0);
    assertThat(low)
        .as("the first port of '%s'", range)
        .isEqualTo(Integer.parseInt(range.split("\\s+")[0]));
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      int port = Ports.free();
      assertThat(port).as("a port outgoing connections never take").isBetween(10_000, low - 1);
      assertThat(seen.add(port)).as("handed out once: %s", port).isTrue();
    }
    int cluster = Ports.freeWithClusterBus();
    assertThat(cluster + 10_000).isLessThan(low);
  }
}
