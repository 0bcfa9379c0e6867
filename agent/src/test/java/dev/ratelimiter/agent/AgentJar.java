package dev.ratelimiter.agent;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts the shaded {@code agent.jar} as a process, as users and the image run it, with output to
 * files in {@code dir}.
 */
public final class AgentJar {

  private static final List<String> INHERITED_SETTINGS =
      List.of(
          "POLICY_FILE",
          "REDIS_URL",
          "ADMIN_TOKEN",
          "HTTP_PORT",
          "MANAGEMENT_PORT",
          "GRPC_PORT",
          "BACKEND_URL",
          "BACKEND_TIMEOUT_MS");

  private AgentJar() {}

  /**
   * @param jvmOptions e.g. {@code -Xmx64m}; the environment holds only {@code env}'s agent settings
   *     (and loopback binding)
   */
  public static Process start(Path dir, Map<String, String> env, String... jvmOptions)
      throws IOException {
    return start(dir, env, List.of(), jvmOptions);
  }

  /**
   * @param wrapper a command the JVM runs under, e.g. {@code taskset -c 0}; empty for none
   */
  public static Process start(
      Path dir, Map<String, String> env, List<String> wrapper, String... jvmOptions)
      throws IOException {
    return start(dir, env, wrapper, List.of(jvmOptions), List.of());
  }

  /** The jar run by another Java than the tests' own ({@code java}: that JDK's launcher). */
  public static Process startOn(
      String java, Path dir, Map<String, String> env, List<String> jvmOptions) throws IOException {
    return start(java, dir, env, List.of(), jvmOptions, List.of());
  }

  /** The jar run with command-line arguments ({@code --help}, {@code validate FILE}). */
  public static Process command(Path dir, Map<String, String> env, String... args)
      throws IOException {
    return start(dir, env, List.of(), List.of(), List.of(args));
  }

  private static Process start(
      Path dir,
      Map<String, String> env,
      List<String> wrapper,
      List<String> jvmOptions,
      List<String> args)
      throws IOException {
    return start(
        ProcessHandle.current().info().command().orElse("java"),
        dir,
        env,
        wrapper,
        jvmOptions,
        args);
  }

  private static Process start(
      String java,
      Path dir,
      Map<String, String> env,
      List<String> wrapper,
      List<String> jvmOptions,
      List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>(wrapper);
    command.add(java);
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", System.getProperty("agent.jar", "target/agent.jar")));
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectError(dir.resolve("stderr.txt").toFile())
            .redirectOutput(dir.resolve("stdout.txt").toFile());
    builder.environment().keySet().removeIf(INHERITED_SETTINGS::contains);
    builder.environment().put("BIND_ADDRESS", "127.0.0.1");
    // an ephemeral gRPC port unless the test names one: the default 8081 may be taken on a shared
    // machine
    builder.environment().put("GRPC_PORT", "0");
    builder.environment().putAll(env);
    return builder.start();
  }
}
