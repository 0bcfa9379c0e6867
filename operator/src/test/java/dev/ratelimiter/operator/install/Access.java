package dev.ratelimiter.operator.install;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * One permission as RBAC counts it: API group ("" for the core group), resource (with {@code
 * /subresource}), verb.
 */
record Access(String group, String resource, String verb) implements Comparable<Access> {

  static Access of(Class<? extends HasMetadata> type, String verb) {
    return new Access(HasMetadata.getGroup(type), HasMetadata.getPlural(type), verb);
  }

  static Access of(Class<? extends HasMetadata> type, String subresource, String verb) {
    return new Access(
        HasMetadata.getGroup(type), HasMetadata.getPlural(type) + "/" + subresource, verb);
  }

  /** Every (group, resource, verb) the rules grant; wildcards are kept as "*" so they show up. */
  static Set<Access> granted(Collection<PolicyRule> rules) {
    Set<Access> out = new TreeSet<>();
    for (PolicyRule r : rules) {
      for (String g : r.getApiGroups()) {
        for (String res : r.getResources()) {
          for (String v : r.getVerbs()) {
            out.add(new Access(g, res, v));
          }
        }
      }
    }
    return out;
  }

  /**
   * Whether {@code rules} allow this access to the object {@code name} (null: no single object, as
   * for list or create).
   */
  boolean allowedBy(Collection<PolicyRule> rules, String name) {
    for (PolicyRule r : rules) {
      boolean names =
          r.getResourceNames() == null
              || r.getResourceNames().isEmpty()
              || (name != null && r.getResourceNames().contains(name));
      if (matches(r.getApiGroups(), group)
          && matches(r.getResources(), resource)
          && matches(r.getVerbs(), verb)
          && names) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(Collection<String> values, String value) {
    return values != null && (values.contains(value) || values.contains("*"));
  }

  @Override
  public int compareTo(Access o) {
    return toString().compareTo(o.toString());
  }

  @Override
  public String toString() {
    return (group.isEmpty() ? "core" : group) + " " + resource + " " + verb;
  }
}
