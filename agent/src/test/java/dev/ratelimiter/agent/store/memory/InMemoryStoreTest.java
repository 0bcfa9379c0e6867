package dev.ratelimiter.agent.store.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ratelimiter.agent.store.AcquireResult;
import dev.ratelimiter.agent.store.StoreUnavailableException;
import dev.ratelimiter.policy.Algorithm;
import dev.ratelimiter.policy.Limit;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class InMemoryStoreTest {

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final InMemoryStore store =
      new InMemoryStore(now::get, InMemoryStore.DEFAULT_MAX_CLIENTS);
  private final Limit perMinute = new Limit("per-minute", 3, 60, Algorithm.FixedWindow);
  private final Limit perHour = new Limit("per-hour", 5, 3600, Algorithm.FixedWindow);

  @Test
  @DisplayName("The window opens at the client's first request and counts down from there")
  void windowStartsAtFirstRequest() {
    AcquireResult first = store.acquireNow("p", "c", List.of(perMinute));
    assertThat(first.allowed()).isTrue();
    assertThat(first.remaining()).containsExactly(2);
    assertThat(first.resetMillis()).containsExactly(60_000);
    now.addAndGet(15_000);
    AcquireResult second = store.acquireNow("p", "c", List.of(perMinute));
    assertThat(second.remaining()).containsExactly(1);
    assertThat(second.resetMillis()).containsExactly(45_000);
  }

  @Test
  @DisplayName("Past the quota requests are refused until the window ends, then a new window opens")
  void refusesThenResets() {
    for (int i = 0; i < 3; i++) {
      assertThat(store.acquireNow("p", "c", List.of(perMinute)).allowed()).isTrue();
    }
    now.addAndGet(59_999);
    AcquireResult refused = store.acquireNow("p", "c", List.of(perMinute));
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.resetMillis()).containsExactly(1);
    now.addAndGet(1);
    AcquireResult fresh = store.acquireNow("p", "c", List.of(perMinute));
    assertThat(fresh.allowed()).isTrue();
    assertThat(fresh.remaining()).containsExactly(2);
    assertThat(fresh.resetMillis()).containsExactly(60_000);
  }

  @Test
  @DisplayName("A refused request consumes nothing from any limit")
  void refusalConsumesNothing() {
    List<Limit> both = List.of(perMinute, perHour);
    for (int i = 0; i < 3; i++) {
      store.acquireNow("p", "c", both);
    }
    for (int i = 0; i < 10; i++) {
      AcquireResult refused = store.acquireNow("p", "c", both);
      assertThat(refused.allowed()).isFalse();
      assertThat(refused.remaining()).containsExactly(0, 2);
    }
    now.addAndGet(60_000);
    AcquireResult next = store.acquireNow("p", "c", both);
    assertThat(next.allowed()).isTrue();
    assertThat(next.remaining()).containsExactly(2, 1);
  }

  @Test
  @DisplayName(
      "A request costing several units consumes them all or nothing; a cost above the quota is refused")
  void costIsAllOrNothing() {
    Limit ten = new Limit("ten", 10, 60, Algorithm.FixedWindow);
    assertThat(store.acquireNow("p", "c", List.of(ten), 4).remaining()).containsExactly(6);
    assertThat(store.acquireNow("p", "c", List.of(ten), 4).remaining()).containsExactly(2);
    AcquireResult refused = store.acquireNow("p", "c", List.of(ten), 4);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.remaining()).containsExactly(2);
    assertThat(store.acquireNow("p", "c", List.of(ten), 2).remaining()).containsExactly(0);
    assertThat(store.acquireNow("p", "c", List.of(ten), 1).allowed()).isFalse();
    assertThat(store.acquireNow("p", "other", List.of(ten), 11).allowed()).isFalse();
    assertThat(store.acquireNow("p", "other", List.of(ten), 10).allowed()).isTrue();
  }

  @Test
  @DisplayName("Clients and policies are counted apart")
  void separateCounters() {
    for (int i = 0; i < 3; i++) {
      store.acquireNow("p", "a", List.of(perMinute));
    }
    assertThat(store.acquireNow("p", "a", List.of(perMinute)).allowed()).isFalse();
    assertThat(store.acquireNow("p", "b", List.of(perMinute)).allowed()).isTrue();
    assertThat(store.acquireNow("q", "a", List.of(perMinute)).allowed()).isTrue();
  }

  @Test
  @DisplayName("Expired windows are swept, so memory follows the active clients only")
  void sweep() {
    for (int i = 0; i < 1000; i++) {
      store.acquireNow("p", "client-" + i, List.of(perMinute));
    }
    store.acquireNow("p", "late", List.of(perHour));
    assertThat(store.trackedClients()).isEqualTo(1001);
    now.addAndGet(60_000);
    assertThat(store.sweepExpired()).isEqualTo(1000);
    assertThat(store.trackedClients()).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "When the policy gains or loses a limit, the counters of the limits that stay are kept")
  void policyChangeKeepsCounters() {
    store.acquireNow("p", "c", List.of(perMinute));
    AcquireResult both = store.acquireNow("p", "c", List.of(perMinute, perHour));
    assertThat(both.remaining()).containsExactly(1, 4);
    now.addAndGet(60_000);
    assertThat(store.sweepExpired()).as("the hourly window is still open").isZero();
    AcquireResult hourOnly = store.acquireNow("p", "c", List.of(perHour));
    assertThat(hourOnly.remaining()).containsExactly(3);
    assertThat(hourOnly.resetMillis()).containsExactly(3_540_000);
    AcquireResult again = store.acquireNow("p", "c", List.of(perHour, perMinute));
    assertThat(again.remaining()).containsExactly(2, 2);
  }

  @Test
  @DisplayName(
      "Full at MEMORY_MAX_CLIENTS: a new client is refused with a store error (the failure policy decides); known clients count on")
  void boundedClients() {
    InMemoryStore small = new InMemoryStore(now::get, 3);
    for (String c : List.of("a", "b", "c")) {
      assertThat(small.acquireNow("p", c, List.of(perMinute)).allowed()).isTrue();
    }
    assertThatThrownBy(() -> small.acquireNow("p", "d", List.of(perMinute)))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("full")
        .hasMessageContaining("MEMORY_MAX_CLIENTS");
    assertThat(small.acquire("p", "e", List.of(perMinute)).failed()).isTrue();
    assertThat(small.trackedClients()).isEqualTo(3);
    AcquireResult known = small.acquireNow("p", "a", List.of(perMinute));
    assertThat(known.allowed()).isTrue();
    assertThat(known.remaining()).containsExactly(1);
  }

  @Test
  @DisplayName("Full, a new client first gets a sweep of ended windows, and takes a freed place")
  void fullStoreSweepsFirst() {
    InMemoryStore small = new InMemoryStore(now::get, 2);
    small.acquireNow("p", "short", List.of(new Limit("s", 1, 1, Algorithm.FixedWindow)));
    small.acquireNow("p", "long", List.of(perHour));
    now.addAndGet(1_000);
    AcquireResult newcomer = small.acquireNow("p", "new", List.of(perMinute));
    assertThat(newcomer.allowed()).isTrue();
    assertThat(small.trackedClients()).isEqualTo(2);
  }
}
