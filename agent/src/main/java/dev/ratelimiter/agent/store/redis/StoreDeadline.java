package dev.ratelimiter.agent.store.redis;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * When a Redis call has taken too long, judged on Redis's time and not on this agent's. The clock
 * starts when the call is sent, so the time a check waits for its turn (while the loop's previous
 * call is out) does not count, and it runs only while the machine keeps up: the event loop looks at
 * the time twice per timeout, and when it was held up (a look more than a quarter of the timeout
 * late: a burst of work, code not yet compiled) or the machine's CPUs were contended for more than
 * a quarter of the second half of the timeout ({@link CpuPressure}: then Redis waits for a CPU as
 * well; CI once saw a call missed at 47%), Redis gets the timeout afresh, up to {@link
 * #MAX_TIMEOUTS} timeouts in all. When the timeout has passed on time, the loop first reads what
 * has arrived, so a reply that lay unread is used; only a call still unanswered after that has
 * failed. Together with the deadline the script itself checks ({@link RedisClock}), a call Redis
 * runs after its time consumes nothing.
 *
 * <p>Call on the event loop the reply is delivered on.
 */
final class StoreDeadline {

  /**
   * However late this agent is, a call fails once this many timeouts have passed since it began.
   */
  static final int MAX_TIMEOUTS = 10;

  /**
   * Percent of the timeout's second half during which some task waited for a CPU, above which Redis
   * counts as starved with the agent rather than as slow.
   */
  static final long CONTENDED_PERCENT = 25;

  /** Long enough for one more turn of the event loop: a timer runs only after its I/O. */
  static final long ONE_MORE_READ_MILLIS = 1;

  private final Vertx vertx;
  private final long timeoutMillis;
  private final long giveUpAt;
  private final Consumer<String> fail;
  private final long begunAt;
  private String lastLook = "";
  private long windowStart;
  private long due;
  private boolean held;
  private long stalledAtHalf = -1;
  private long halfAt;
  private long timer;
  private boolean done;

  private StoreDeadline(
      Vertx vertx, long timeoutMillis, long begunAt, long giveUpAt, Consumer<String> fail) {
    this.vertx = vertx;
    this.timeoutMillis = timeoutMillis;
    this.begunAt = begunAt;
    this.giveUpAt = giveUpAt;
    this.fail = fail;
  }

  /**
   * {@code call}'s outcome, or the failure from {@code timedOut} when it has none in time (see the
   * class comment).
   *
   * @param begunAt when the first attempt of this call was sent ({@link RedisClock#now}): the
   *     {@link #MAX_TIMEOUTS} count from there
   * @param late told of an outcome that arrived after the call had failed
   */
  static <T> Future<T> bound(
      Vertx vertx,
      Future<T> call,
      long timeoutMillis,
      long begunAt,
      Function<String, ? extends Throwable> timedOut,
      Consumer<T> late) {
    if (call.isComplete()) {
      return call;
    }
    Promise<T> outcome = Promise.promise();
    StoreDeadline deadline =
        new StoreDeadline(
            vertx,
            timeoutMillis,
            begunAt,
            begunAt + MAX_TIMEOUTS * timeoutMillis,
            why -> outcome.tryFail(timedOut.apply(why)));
    deadline.window(RedisClock.now());
    call.onComplete(
        ar -> {
          deadline.stop();
          boolean inTime =
              ar.succeeded() ? outcome.tryComplete(ar.result()) : outcome.tryFail(ar.cause());
          if (!inTime && ar.succeeded()) {
            late.accept(ar.result());
          }
        });
    return outcome.future();
  }

  /** A fresh timeout for Redis from {@code now}, looked at halfway and at its end. */
  private void window(long now) {
    windowStart = now;
    held = false;
    stalledAtHalf = -1;
    at(now + Math.max(1, timeoutMillis / 2), now);
  }

  private void at(long when, long now) {
    due = when;
    timer = vertx.setTimer(Math.max(1, when - now), this::look);
  }

  private void look(long id) {
    if (done) {
      return;
    }
    long now = RedisClock.now();
    held |= now - due > timeoutMillis / 4;
    long end = windowStart + timeoutMillis;
    long stalled = CpuPressure.stalledMicros();
    if (due < end) {
      stalledAtHalf = stalled;
      halfAt = now;
      at(end, now);
      return;
    }
    long contended =
        stalledAtHalf < 0 ? -1 : (stalled - stalledAtHalf) / 10 / Math.max(1, now - halfAt);
    if (contended > CONTENDED_PERCENT) {
      held = true; // the CPUs were contended for a good part of the time since the half-way look
    }
    lastLook =
        " (waited "
            + (now - begunAt)
            + " ms"
            + (contended < 0 ? "" : "; CPUs contended " + contended + "% of the last half")
            + ")";
    if (held && now < giveUpAt) {
      window(now);
    } else {
      done = true;
      timer = vertx.setTimer(ONE_MORE_READ_MILLIS, t -> fail.accept(lastLook));
    }
  }

  private void stop() {
    done = true;
    vertx.cancelTimer(timer);
  }
}
