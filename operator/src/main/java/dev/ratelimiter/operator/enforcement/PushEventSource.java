package dev.ratelimiter.operator.enforcement;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.ResourceEventAware;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns the answers to asynchronous pushes into events: each answer triggers a reconcile of its
 * policy, which then writes the status from the latest known answers. Deleting a policy forgets
 * what was known about its pushes.
 */
public final class PushEventSource extends AbstractEventSource<PushResult, RateLimitPolicy>
    implements ResourceEventAware<RateLimitPolicy> {

  public static final String NAME = "agent-push-results";
  private final Consumer<ResourceID> onDeleted;

  PushEventSource(Consumer<ResourceID> onDeleted) {
    super(PushResult.class, NAME);
    this.onDeleted = onDeleted;
  }

  /**
   * Asks for a reconcile of {@code policy}; ignored before the operator starts or after it stops.
   */
  void answered(ResourceID policy) {
    if (isRunning()) {
      getEventHandler().handleEvent(new Event(policy));
    }
  }

  @Override
  public Set<PushResult> getSecondaryResources(RateLimitPolicy primary) {
    return Set.of();
  }

  @Override
  public void onResourceDeleted(RateLimitPolicy resource) {
    onDeleted.accept(ResourceID.fromResource(resource));
  }
}
