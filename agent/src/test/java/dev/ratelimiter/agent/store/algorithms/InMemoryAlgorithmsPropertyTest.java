package dev.ratelimiter.agent.store.algorithms;

import dev.ratelimiter.agent.store.AcquireResult;
import dev.ratelimiter.agent.store.memory.InMemoryStore;
import dev.ratelimiter.policy.Algorithm;
import dev.ratelimiter.policy.Limit;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;

/**
 * Every algorithm, alone and mixed in one policy, against the in-memory store on a controlled
 * clock: over thousands of random sequences of request times and costs (one per limit, as token
 * budgets ask for), and settlements, each answer (admitted or not, remaining, and the exact retry
 * time) is what the algorithm's promise says.
 */
@Label("The in-memory store keeps each algorithm's promise exactly")
class InMemoryAlgorithmsPropertyTest {

  @Property(tries = 3000, seed = "20261201")
  @Label(
      "random policies and request sequences: admitted exactly when the promise allows, exact retry and remaining")
  void keepsThePromise(@ForAll long seed) {
    Random random = new Random(seed);
    List<Limit> limits = Sequences.limits(random, 3);
    List<Guarantee> models = limits.stream().map(Guarantee::new).toList();
    AtomicLong clock = new AtomicLong(1_000_000 + random.nextInt(1000));
    InMemoryStore store = new InMemoryStore(clock::get, 10);
    int steps = 1 + random.nextInt(80);
    for (int step = 0; step < steps; step++) {
      // mostly short gaps, so limits fill up; sometimes one past a window
      clock.addAndGet(random.nextInt(5) == 0 ? random.nextInt(4000) : random.nextInt(150));
      long[] costs = Sequences.costs(random, limits.size());
      AcquireResult result = store.acquireEach("p", "c", limits, costs).result();
      Sequences.check(models, clock.get(), costs, result, limits + " step " + step);
    }
    Sequences.checkPromises(models, limits.toString());
  }

  @Property(tries = 2000, seed = "20261203")
  @Label(
      "FixedWindow and TokenBucket budgets settled at once to what was spent: from then on exactly as if that was all they admitted")
  void settlementsKeepThePromise(@ForAll long seed) {
    // SlidingWindow gives refunds back from its oldest entries, so it frees later than a model
    // that counts the spend at the request's own time; TokenSettlementTest holds it to that
    Random random = new Random(seed);
    List<Limit> limits =
        Sequences.limits(random, 3, List.of(Algorithm.FixedWindow, Algorithm.TokenBucket));
    List<Guarantee> models = limits.stream().map(Guarantee::new).toList();
    AtomicLong clock = new AtomicLong(1_000_000 + random.nextInt(1000));
    InMemoryStore store = new InMemoryStore(clock::get, 10);
    int steps = 1 + random.nextInt(80);
    for (int step = 0; step < steps; step++) {
      clock.addAndGet(random.nextInt(5) == 0 ? random.nextInt(4000) : random.nextInt(150));
      long[] costs = Sequences.costs(random, limits.size());
      AcquireResult result = store.acquireEach("p", "c", limits, costs).result();
      String where = limits + " step " + step;
      if (Sequences.check(models, clock.get(), costs, result, where) && random.nextBoolean()) {
        long[] deltas = new long[limits.size()];
        for (int i = 0; i < limits.size(); i++) {
          long spent = random.nextInt((int) costs[i] + 1); // a refund, of all of it at most
          deltas[i] = spent - costs[i];
          models.get(i).respend(spent);
        }
        store.settle("p", "c", limits, deltas).result();
      }
    }
    Sequences.checkPromises(models, limits.toString());
  }
}
