package dev.ratelimiter.agent.bypass;

import java.util.List;

/**
 * Spellings of a path a hostile client tries, and what each must come to on every way in (the
 * proxy, {@code /check}, gRPC): counted against the limit on {@code /api/login}, or refused as a
 * bad request. A backend like nginx routes every counted one to its {@code /api/login} handler.
 */
final class PathCorpus {

  enum Verdict {
    /** Counted against {@code login}: refused with 429 once its quota is spent. */
    LOGIN,
    /** A bad request (400, gRPC INVALID_ARGUMENT), never forwarded. */
    REFUSED
  }

  record Entry(String path, Verdict verdict) {}

  static final List<Entry> ENTRIES =
      List.of(
          new Entry("/api/login", Verdict.LOGIN),
          new Entry("/api//login", Verdict.LOGIN),
          new Entry("/api///login", Verdict.LOGIN),
          new Entry("/api/%6cogin", Verdict.LOGIN),
          new Entry("/api/%6C%6F%67%69%6E", Verdict.LOGIN),
          new Entry("/api/./login", Verdict.LOGIN),
          new Entry("/api/x/../login", Verdict.LOGIN),
          new Entry("/api/x/%2e%2e/login", Verdict.LOGIN),
          new Entry("/api/x/%2E%2E/login", Verdict.LOGIN),
          new Entry("/api/%2e/login", Verdict.LOGIN),
          new Entry("/api/login?user=x", Verdict.LOGIN),
          new Entry("/api/x/..%2flogin", Verdict.REFUSED),
          new Entry("/api/x%2f..%2flogin", Verdict.REFUSED),
          new Entry("/api%2flogin", Verdict.REFUSED),
          new Entry("/api/%5clogin", Verdict.REFUSED),
          new Entry("/api/x\\..\\login", Verdict.REFUSED),
          new Entry("/api/%zzlogin", Verdict.REFUSED),
          new Entry("/api/login%", Verdict.REFUSED));

  private PathCorpus() {}
}
