package dev.ratelimiter.agent;

import dev.ratelimiter.policy.InvalidPolicyException;
import dev.ratelimiter.policy.Policy;
import dev.ratelimiter.policy.PolicyManifest;
import dev.ratelimiter.settings.Setting;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code agent.jar} does when given arguments: explain itself ({@code --help}, {@code
 * --version}) or check a policy file and exit ({@code validate FILE}), so an admin can test a file
 * in CI before any agent serves it. Without arguments the agent serves ({@link AgentMain}).
 */
final class AgentCommands {

  static final int OK = 0;
  static final int INVALID = 2;

  private AgentCommands() {}

  /** The version in the jar's manifest, or "development build" when run from classes. */
  static String version() {
    String version = AgentCommands.class.getPackage().getImplementationVersion();
    return version == null ? "development build" : version;
  }

  static String usage() {
    return """
        ratelimiter agent %s: rate limits /api (answering it, or proxying it to BACKEND_URL), and \
        answers gateways on /check and Envoy's rate limit service (gRPC).

        Usage:
          java -jar agent.jar                  serve; every setting is an environment variable
                                               (POLICY_FILE, REDIS_URL, BACKEND_URL, HTTP_PORT, ...)
          java -jar agent.jar validate FILE    check a policy file (a policy document or a whole
                                               RateLimitPolicy manifest): exit 0 if the agent would
                                               enforce it, 2 (with the field and the problem) if not
          java -jar agent.jar --version        print the version
          java -jar agent.jar --help           print this help

        Settings (environment variables), with their defaults; docs/configuration.md says more:
        %s
        Policy fields: docs/policy.md.
        """
        .formatted(version(), settings());
  }

  /** One line per setting: name, default, meaning. */
  private static String settings() {
    StringBuilder out = new StringBuilder();
    for (Setting<?> setting : AgentEnvironment.ALL) {
      out.append(
          "  %-28s %-15s %s%n".formatted(setting.name(), setting.defaultText(), setting.meaning()));
    }
    return out.toString().stripTrailing();
  }

  /** Runs a command; returns the exit status. */
  static int run(List<String> args, PrintStream out, PrintStream err) {
    switch (args.get(0)) {
      case "--help", "-h", "help" -> {
        out.print(usage());
        return OK;
      }
      case "--version", "version" -> {
        out.println("ratelimiter-agent " + version());
        return OK;
      }
      case "validate" -> {
        if (args.size() != 2) {
          err.println(
              "ratelimiter-agent: validate takes one file: java -jar agent.jar validate FILE");
          return INVALID;
        }
        return validate(Path.of(args.get(1)), out, err);
      }
      default -> {
        err.println(
            "ratelimiter-agent: unknown argument '"
                + args.get(0)
                + "'; the agent takes its settings from the environment (java -jar agent.jar --help)");
        return INVALID;
      }
    }
  }

  private static int validate(Path file, PrintStream out, PrintStream err) {
    PolicyManifest.Read read;
    try {
      read = AgentSettings.readPolicyFile(file);
    } catch (NoSuchFileException e) {
      err.println("ratelimiter-agent: " + file + " does not exist");
      return INVALID;
    } catch (IOException e) {
      err.println("ratelimiter-agent: " + file + " cannot be read: " + e.getMessage());
      return INVALID;
    } catch (InvalidPolicyException e) {
      err.println("ratelimiter-agent: invalid policy in " + file + ": " + e.getMessage());
      return INVALID;
    }
    Policy policy = read.policy();
    out.println(
        file
            + ": valid: policy "
            + policy.id()
            + " generation "
            + policy.generation()
            + ", "
            + policy.limits().size()
            + " limit(s), mode "
            + policy.mode()
            + ", failurePolicy "
            + policy.failurePolicy());
    if (!read.leftAside().isEmpty()) {
      out.println(leftAsideNote(read));
    }
    return OK;
  }

  /** What of a RateLimitPolicy manifest an agent run from a file does not use. */
  static String leftAsideNote(PolicyManifest.Read read) {
    return "a RateLimitPolicy manifest: the agent uses its spec; left aside, read only by the operator: "
        + String.join(", ", read.leftAside());
  }
}
