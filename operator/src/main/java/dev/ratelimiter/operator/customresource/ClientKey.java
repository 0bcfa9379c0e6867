package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Objects;

/** How a client is identified. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"source", "trustedProxies", "ipv6PrefixLength"})
public class ClientKey {

  /** Loose shape of an IPv4 or IPv6 CIDR; the operator parses it exactly. */
  public static final String CIDR_PATTERN = "^[0-9a-fA-F:.]+/[0-9]{1,3}$";

  @JsonPropertyDescription("RemoteAddress: the client's IP address (behind trusted proxies: the forwarded one).")
  @Default("RemoteAddress")
  @JsonFormat(with = JsonFormat.Feature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
  private ClientKeySource source;

  @JsonPropertyDescription(
      "CIDRs of proxies whose X-Forwarded-For / Forwarded headers are believed. Default: none.")
  @Size(max = 64)
  private List<@Size(max = 49) @Pattern(CIDR_PATTERN) String> trustedProxies;

  @JsonPropertyDescription("IPv6 clients are counted per prefix of this length; 128 = per address.")
  @Min(1)
  @Max(128)
  @Default("64")
  private Integer ipv6PrefixLength;

  public ClientKeySource getSource() {
    return source;
  }

  public void setSource(ClientKeySource source) {
    this.source = source;
  }

  public List<String> getTrustedProxies() {
    return trustedProxies;
  }

  public void setTrustedProxies(List<String> trustedProxies) {
    this.trustedProxies = trustedProxies;
  }

  public Integer getIpv6PrefixLength() {
    return ipv6PrefixLength;
  }

  public void setIpv6PrefixLength(Integer ipv6PrefixLength) {
    this.ipv6PrefixLength = ipv6PrefixLength;
  }

  @JsonIgnore
  public ClientKeySource effectiveSource() {
    return source == null ? ClientKeySource.RemoteAddress : source;
  }

  @JsonIgnore
  public List<String> effectiveTrustedProxies() {
    return trustedProxies == null ? List.of() : trustedProxies;
  }

  @JsonIgnore
  public int effectiveIpv6PrefixLength() {
    return ipv6PrefixLength == null ? 64 : ipv6PrefixLength;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ClientKey)) {
      return false;
    }
    ClientKey c = (ClientKey) o;
    return source == c.source
        && Objects.equals(trustedProxies, c.trustedProxies)
        && Objects.equals(ipv6PrefixLength, c.ipv6PrefixLength);
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, trustedProxies, ipv6PrefixLength);
  }
}
