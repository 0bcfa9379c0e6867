package dev.ratelimiter.agent.limiter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The clients refused most, in bounded memory")
class TopRefusedTest {

  @Test
  @DisplayName(
      "100,000 distinct clients refused once each around three heavy hitters: at most 2 x 1024 counters, the hitters found in order")
  void findsHeavyHittersInBoundedMemory() {
    AtomicLong clock = new AtomicLong();
    TopRefused top = new TopRefused(clock::get);
    for (int i = 0; i < 100_000; i++) {
      top.refused("198.51." + (i / 256) + "." + (i % 256));
      if (i % 20 == 0) {
        top.refused("key:heavy");
      }
      if (i % 40 == 0) {
        top.refused("key:second");
      }
      if (i % 80 == 0) {
        top.refused("key:third");
      }
      clock.incrementAndGet();
    }
    assertThat(top.tracked()).isLessThanOrEqualTo(2 * TopRefused.CAPACITY);
    List<TopRefused.Client> found = top.top(3);
    assertThat(found)
        .extracting(TopRefused.Client::key)
        .containsExactly("key:heavy", "key:second", "key:third");
    TopRefused.Client heavy = found.get(0);
    assertThat(heavy.count()).isGreaterThanOrEqualTo(5000);
    assertThat(heavy.count() - heavy.error())
        .as("never overcounted beyond its error")
        .isLessThanOrEqualTo(5000);
  }

  @Test
  @DisplayName("counts exactly while the clients fit, and forgets a period after the next")
  void exactThenForgotten() {
    AtomicLong clock = new AtomicLong();
    TopRefused top = new TopRefused(clock::get);
    for (int i = 0; i < 7; i++) {
      top.refused("a");
    }
    top.refused("b");
    assertThat(top.top(10))
        .containsExactly(new TopRefused.Client("a", 7, 0), new TopRefused.Client("b", 1, 0));
    clock.addAndGet(TopRefused.PERIOD_MILLIS);
    top.refused("b");
    assertThat(top.top(1))
        .as("the last period still counts")
        .containsExactly(new TopRefused.Client("a", 7, 0));
    clock.addAndGet(TopRefused.PERIOD_MILLIS);
    assertThat(top.top(10))
        .as("the period before the last is gone")
        .containsExactly(new TopRefused.Client("b", 1, 0));
    clock.addAndGet(2 * TopRefused.PERIOD_MILLIS);
    assertThat(top.top(10)).isEmpty();
  }

  @Test
  @DisplayName(
      "threads refusing the same clients at once (event loops): every refusal counted once, in sketches of their own, bounded per thread")
  void threadsCountedTogether() throws Exception {
    AtomicLong clock = new AtomicLong();
    TopRefused top = new TopRefused(clock::get);
    int threads = TopRefused.MAX_STRIPES + 2; // more threads than stripes: the last ones share
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < 20_000; i++) {
                  top.refused("key:abuser");
                  if (i % 2 == 0) {
                    top.refused("key:half");
                  }
                  if (i % 100 == 0) {
                    top.refused("key:own-" + id);
                  }
                }
              });
      thread.start();
      started.add(thread);
    }
    go.countDown();
    for (Thread thread : started) {
      thread.join();
    }
    assertThat(top.top(2))
        .containsExactly(
            new TopRefused.Client("key:abuser", 20_000L * threads, 0),
            new TopRefused.Client("key:half", 10_000L * threads, 0));
    assertThat(top.tracked()).isEqualTo(TopRefused.MAX_STRIPES * 2 + threads);
  }

  @Test
  @DisplayName(
      "a client one thread's full sketch dropped, and another thread refused often: its count is never below the truth")
  void neverBelowTheTruthAcrossThreads() throws Exception {
    AtomicLong clock = new AtomicLong();
    TopRefused top = new TopRefused(clock::get);
    onItsOwnThread(
        () -> {
          top.refused("key:x");
          for (int i = 0; i < 3 * TopRefused.CAPACITY; i++) {
            top.refused("key:crowd-" + i); // fills the sketch and evicts key:x
          }
        });
    onItsOwnThread(
        () -> {
          for (int i = 0; i < 5_000; i++) {
            top.refused("key:x");
          }
        });
    TopRefused.Client x = top.top(1).get(0);
    assertThat(x.key()).isEqualTo("key:x");
    assertThat(x.count()).as("refused 5,001 times in all").isGreaterThanOrEqualTo(5_001);
    assertThat(x.count() - x.error()).isLessThanOrEqualTo(5_001);
  }

  /** Runs {@code work} to its end on a new thread: a thread is what gets a sketch of its own. */
  private static void onItsOwnThread(Runnable work) throws InterruptedException {
    Thread thread = new Thread(work);
    thread.start();
    thread.join();
  }
}
