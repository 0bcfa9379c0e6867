package dev.ratelimiter.agent.limiter;

import dev.ratelimiter.policy.Policy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The policy in force. Replaced as a whole in one atomic step, so a request sees the old policy or
 * the new one, never a mix; a document older than the one in force is refused.
 */
public final class ActivePolicy {

  private final AtomicReference<Policy> current;
  private final List<Consumer<Policy>> listeners = new CopyOnWriteArrayList<>();

  public ActivePolicy(Policy initial) {
    this.current = new AtomicReference<>(initial);
  }

  public Policy get() {
    return current.get();
  }

  /** Runs after every replacement (e.g. to forget cached rejections). */
  public void onChange(Consumer<Policy> listener) {
    listeners.add(listener);
  }

  /**
   * Puts {@code next} in force. A document equal to the one in force (the operator re-pushes the
   * current generation on every resync) changes nothing: no listener runs, so cached rejections,
   * which are still exact, are kept.
   *
   * @return the policy that was in force before (equal to {@code next} when nothing changed)
   * @throws StaleGenerationException when {@code next} is older than the policy in force
   */
  public Policy replace(Policy next) {
    Policy previous;
    do {
      previous = current.get();
      if (next.generation() < previous.generation()) {
        throw new StaleGenerationException(next.generation(), previous.generation());
      }
      if (next.equals(previous)) {
        return previous;
      }
    } while (!current.compareAndSet(previous, next));
    listeners.forEach(l -> l.accept(next));
    return previous;
  }

  /** A pushed document older than the one in force. */
  public static final class StaleGenerationException extends RuntimeException {
    public StaleGenerationException(long offered, long inForce) {
      super(
          "generation "
              + offered
              + " is older than generation "
              + inForce
              + " in force; kept "
              + inForce,
          null,
          false,
          false);
    }
  }
}
