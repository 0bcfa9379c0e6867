package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/**
 * An existing Redis: one server, a master found through Sentinel, or a Cluster. The mode is text
 * with the enum's schema, so a value this operator does not know reaches the validator.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"url", "mode", "masterName", "passwordSecretRef"})
@ValidationRule(
    value = "!has(self.masterName) || (has(self.mode) && self.mode == 'Sentinel')",
    message = "masterName applies to mode Sentinel only",
    fieldPath = ".masterName")
@ValidationRule(
    value = "(has(self.mode) && self.mode != 'Standalone') || !self.url.contains(',')",
    message =
        "several comma-separated endpoints need mode Sentinel (the sentinels) or Cluster (seed nodes)",
    fieldPath = ".url")
public class ExternalRedis {

  /**
   * One endpoint: {@code redis[s]://host[:port][/db]}; further ones after commas may leave out the
   * scheme.
   */
  public static final String URL_PATTERN =
      "^rediss?://[^\\s/,]+(/[0-9]*)?(,(rediss?://)?[^\\s/,]+(/[0-9]*)?)*$";

  public static final String MASTER_NAME_PATTERN = "^[A-Za-z0-9._:-]{1,128}$";

  @JsonPropertyDescription(
      "redis:// or rediss:// URL without credentials, e.g. redis://redis.shared:6379; the password goes in passwordSecretRef."
          + " Sentinel: the sentinels, Cluster: seed nodes, comma-separated (redis://s1:26379,redis://s2:26379 or"
          + " redis://s1:26379,s2:26379); TLS and the password apply to every endpoint.")
  @Required
  @ValidationRule(
      value = "!self.contains('@')",
      message =
          "url must not carry credentials (user:password@): put the password in a Secret and name it in passwordSecretRef")
  @ValidationRule(
      value = "!(self.contains('redis://') && self.contains('rediss://'))",
      message = "url mixes redis:// and rediss:// endpoints; TLS applies to all of them")
  @Size(max = 2048)
  @Pattern(URL_PATTERN)
  private String url;

  @JsonPropertyDescription(
      "Standalone (one server), Sentinel (url lists sentinels; masterName names the master) or Cluster (url lists seed nodes).")
  @Default("Standalone")
  @SchemaFrom(type = ExternalRedisMode.class)
  private String mode;

  @JsonPropertyDescription(
      "Sentinel only: the name the sentinels monitor the master under. Default mymaster.")
  @Pattern(MASTER_NAME_PATTERN)
  private String masterName;

  @JsonPropertyDescription("Secret (in the policy's namespace) and key holding the Redis password.")
  private SecretKeyRef passwordSecretRef;

  public ExternalRedis() {}

  public ExternalRedis(String url, SecretKeyRef passwordSecretRef) {
    this.url = url;
    this.passwordSecretRef = passwordSecretRef;
  }

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public String getMode() {
    return mode;
  }

  public void setMode(String mode) {
    this.mode = mode;
  }

  public String getMasterName() {
    return masterName;
  }

  public void setMasterName(String masterName) {
    this.masterName = masterName;
  }

  /** The mode, Standalone when not given. */
  public String effectiveMode() {
    return mode == null ? ExternalRedisMode.Standalone.name() : mode;
  }

  public SecretKeyRef getPasswordSecretRef() {
    return passwordSecretRef;
  }

  public void setPasswordSecretRef(SecretKeyRef passwordSecretRef) {
    this.passwordSecretRef = passwordSecretRef;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ExternalRedis)) {
      return false;
    }
    ExternalRedis e = (ExternalRedis) o;
    return Objects.equals(url, e.url)
        && Objects.equals(mode, e.mode)
        && Objects.equals(masterName, e.masterName)
        && Objects.equals(passwordSecretRef, e.passwordSecretRef);
  }

  @Override
  public int hashCode() {
    return Objects.hash(url, mode, masterName, passwordSecretRef);
  }
}
