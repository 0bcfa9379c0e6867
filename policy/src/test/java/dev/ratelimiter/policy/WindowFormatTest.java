package dev.ratelimiter.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WindowFormatTest {

  @ParameterizedTest(name = "{0} is {1} seconds")
  @CsvSource({
    "1s,1",
    "30s,30",
    "1m,60",
    "90s,90",
    "1h,3600",
    "1h30m,5400",
    "1h0m1s,3601",
    "24h,86400",
    "1440m,86400"
  })
  @DisplayName("Windows written like 30s, 1m, 1h30m are read as whole seconds")
  void parses(String text, long seconds) {
    assertThat(WindowFormat.parseSeconds(text)).isEqualTo(seconds);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", "0s", "0m", "1", "1.5s", "1d", "-1s", "24h1s", "25h", "1m1h", "1 m", "1S", "500ms"
      })
  @DisplayName("Anything that is not a whole-second window from 1s to 24h is refused with a reason")
  void refuses(String text) {
    assertThatThrownBy(() -> WindowFormat.parseSeconds(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  @DisplayName("Windows print back the way an admin writes them")
  void formats() {
    assertThat(WindowFormat.format(60)).isEqualTo("1m");
    assertThat(WindowFormat.format(5400)).isEqualTo("1h30m");
    assertThat(WindowFormat.format(3601)).isEqualTo("1h1s");
    assertThat(WindowFormat.format(45)).isEqualTo("45s");
  }
}
