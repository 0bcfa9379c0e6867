package dev.ratelimiter.operator.install;

import dev.ratelimiter.operator.RateLimitPolicyReconciler;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Deleter;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.ManagedInformerEventSource;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the operator needs RBAC for, derived from its code rather than written down twice: each
 * entry maps an {@link Access} to why it is needed. SSA is off (RateLimiterOperator), so JOSDK
 * creates (POST), updates (PUT) and deletes dependents and never patches them.
 */
final class RequiredAccess {

  static final List<String> READ = List.of("get", "list", "watch");

  private final Map<Access, String> needs = new TreeMap<>();

  Map<Access, String> needs() {
    return needs;
  }

  private void need(Access a, String why) {
    needs.merge(a, why, (x, y) -> x.equals(y) ? x : x + "; " + y);
  }

  /** The primary resource of a reconciler (the P of {@code Reconciler<P>}). */
  @SuppressWarnings("unchecked")
  static Class<? extends HasMetadata> primaryOf(Class<?> reconciler) {
    for (Type t : reconciler.getGenericInterfaces()) {
      if (t instanceof ParameterizedType pt && pt.getRawType() == Reconciler.class) {
        return (Class<? extends HasMetadata>) pt.getActualTypeArguments()[0];
      }
    }
    throw new IllegalArgumentException(reconciler + " does not implement Reconciler<P> directly");
  }

  /**
   * The {@code @Workflow} dependents: each one's resource type with the verbs of the JOSDK
   * interfaces it implements (Creator: create, Updater: update, Deleter / GarbageCollected: delete,
   * which JOSDK calls when a reconcile precondition turns false).
   */
  RequiredAccess fromWorkflow(Class<?> reconciler) {
    Workflow workflow = reconciler.getAnnotation(Workflow.class);
    if (workflow == null) {
      throw new IllegalArgumentException(reconciler + " has no @Workflow");
    }
    for (Dependent d : workflow.dependents()) {
      DependentResource<?, ?> dr;
      try {
        dr = d.type().getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot instantiate dependent " + d.type().getName(), e);
      }
      @SuppressWarnings("unchecked")
      Class<? extends HasMetadata> type = (Class<? extends HasMetadata>) dr.resourceType();
      String why = "dependent " + d.name() + " (" + d.type().getSimpleName() + ")";
      if (dr instanceof Creator<?, ?>) {
        need(Access.of(type, "create"), why + " is a Creator");
      }
      if (dr instanceof Updater<?, ?>) {
        need(Access.of(type, "update"), why + " is an Updater (SSA off: PUT)");
      }
      if (dr instanceof Deleter<?>) {
        need(Access.of(type, "delete"), why + " is a Deleter");
      }
    }
    Class<? extends HasMetadata> primary = primaryOf(reconciler);
    if (Cleaner.class.isAssignableFrom(reconciler)) {
      // JOSDK adds and removes its finalizer with a patch of the primary
      need(Access.of(primary, "patch"), "the reconciler is a Cleaner (finalizer)");
      need(Access.of(primary, "finalizers", "update"), "the reconciler is a Cleaner (finalizer)");
    }
    return this;
  }

  /**
   * The informers of a running operator: every informer-backed event source (the primary's, each
   * dependent's, and any the reconciler adds) reads its resource type.
   */
  RequiredAccess fromInformers(Operator operator) {
    for (var controller : operator.getRegisteredControllers()) {
      for (var source :
          controller.getControllerHealthInfo().eventSourceHealthIndicators().entrySet()) {
        if (source.getValue() instanceof ManagedInformerEventSource<?, ?, ?> informer) {
          @SuppressWarnings("unchecked")
          Class<? extends HasMetadata> type =
              (Class<? extends HasMetadata>) ((EventSource<?, ?>) informer).resourceType();
          for (String verb : READ) {
            need(Access.of(type, verb), "informer " + source.getKey());
          }
        }
      }
    }
    return this;
  }

  /**
   * What the operator does with its client outside JOSDK's dependents and informers, each checked
   * against real requests by {@link ClusterRoleTest}'s traced run.
   */
  RequiredAccess declared() {
    Class<? extends HasMetadata> primary = primaryOf(RateLimitPolicyReconciler.class);
    if (hasStatus(primary)) {
      need(
          Access.of(primary, "status", "update"),
          "StatusWriter.write: PUT on the status subresource");
    }
    need(
        Access.of(primary, "patch"),
        "ClientRequests: removes an on-call annotation from the policy once it is done");
    need(
        Access.of(
            dev.ratelimiter.operator.customresource.RateLimitOverride.class, "status", "update"),
        "OverrideStatusWriter.write: PUT on an override's status subresource");
    need(
        Access.of(Event.class, "create"),
        "WarningEvents: Warning Events on a policy, Normal ones on an override");
    for (String verb : READ) {
      // Policy propagation (docs/operations.md, "Live policy updates"): the operator pushes each
      // generation to
      // every ready
      // agent pod (PUT http://<podIP>:9090/admin/policy), so it watches the agent pods.
      need(Access.of(Pod.class, verb), "policy push: finds the ready agent pods");
    }
    return this;
  }

  private static boolean hasStatus(Class<?> primary) {
    Type t = primary.getGenericSuperclass();
    if (t instanceof ParameterizedType pt && pt.getRawType() == CustomResource.class) {
      return pt.getActualTypeArguments()[1] != Void.class;
    }
    return false;
  }
}
