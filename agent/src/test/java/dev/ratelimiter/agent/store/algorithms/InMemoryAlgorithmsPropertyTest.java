package dev.ratelimiter.agent.store.algorithms;

import dev.ratelimiter.agent.store.AcquireResult;
import dev.ratelimiter.agent.store.memory.InMemoryStore;
import dev.ratelimiter.policy.Limit;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;

/**
 * Every algorithm, alone and mixed in one policy, against the in-memory store on a controlled
 * clock: over thousands of random sequences of request times and costs, each answer (admitted or
 * not, remaining, and the exact retry time) is what the algorithm's promise says.
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
      long cost = Sequences.cost(random);
      AcquireResult result = store.acquire("p", "c", limits, cost).result();
      Sequences.check(models, clock.get(), cost, result, limits + " step " + step);
    }
    Sequences.checkPromises(models, limits.toString());
  }
}
