package dev.ratelimiter.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The canonical form of a request's path")
class CanonicalPathTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "/api/login, /api/login",
    "/, /",
    "'', /",
    "/api//login, /api/login",
    "//api///login//, /api/login/",
    "/api/%6cogin, /api/login",
    "/api/%6C%6F%67%69%6E, /api/login",
    "/api/x/../login, /api/login",
    "/api/./login, /api/login",
    "/api/%2e%2e/secret, /secret",
    "/api/x/%2E%2E/login, /api/login",
    "/api/x/.., /api/",
    "/api/., /api/",
    "/api/caf%c3%a9, /api/caf%C3%A9",
    "/api/a%20b, /api/a%20b",
    "/api/%7e%5f, /api/~_",
    "/.well-known/x, /.well-known/x",
    "/a/.../b, /a/.../b",
    "/api/LOGIN, /api/LOGIN"
  })
  void canonical(String raw, String canonical) {
    assertThat(CanonicalPath.of(raw)).isEqualTo(canonical);
    assertThat(CanonicalPath.of(canonical)).as("canonical form is stable").isEqualTo(canonical);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "/api/..%2fsecret",
        "/api/x%2f..%2flogin",
        "/api/admin%2Fx",
        "/api/a%5cb",
        "/api/a\\b",
        "/..",
        "/api/../../x",
        "/api/%2e%2e/%2e%2e/x",
        "/api/%zz",
        "/api/%4",
        "api/login",
        "/api/\u0000"
      })
  void refused(String raw) {
    assertThatThrownBy(() -> CanonicalPath.of(raw)).isInstanceOf(CanonicalPath.Invalid.class);
  }
}
