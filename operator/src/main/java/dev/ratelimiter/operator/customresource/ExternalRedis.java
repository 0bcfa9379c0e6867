package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** An existing Redis. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"url", "passwordSecretRef"})
public class ExternalRedis {

  public static final String URL_PATTERN = "^rediss?://[^\\s/]+(/[0-9]*)?$";

  @JsonPropertyDescription(
      "redis:// or rediss:// URL without credentials, e.g. redis://redis.shared:6379; the password goes in passwordSecretRef.")
  @Required
  @ValidationRule(
      value = "!self.contains('@')",
      message = "url must not carry credentials (user:password@): put the password in a Secret and name it in passwordSecretRef")
  @Size(max = 2048)
  @Pattern(URL_PATTERN)
  private String url;

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
    return Objects.equals(url, e.url) && Objects.equals(passwordSecretRef, e.passwordSecretRef);
  }

  @Override
  public int hashCode() {
    return Objects.hash(url, passwordSecretRef);
  }
}
