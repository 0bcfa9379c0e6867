import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.httpproxy.HttpProxy;

/**
 * vertx-http-proxy alone, as the agent uses it but with no limiting, no header rewriting and no
 * metrics: the ceiling for the agent's proxy on the same machine. Run from the repository with the
 * agent's jar on the class path (the JDK compiles a single source file itself):
 *
 * <pre>java -cp agent/target/agent.jar bench/BareProxy.java LISTEN-PORT BACKEND-PORT EVENT-LOOPS</pre>
 *
 * Loopback only: it listens on and proxies to 127.0.0.1.
 */
public class BareProxy extends VerticleBase {

  private final int listen;
  private final int backend;

  BareProxy(int listen, int backend) {
    this.listen = listen;
    this.backend = backend;
  }

  @Override
  public Future<?> start() {
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(64));
    HttpProxy proxy = HttpProxy.reverseProxy(client).origin(backend, "127.0.0.1");
    return vertx.createHttpServer().requestHandler(proxy).listen(listen, "127.0.0.1");
  }

  public static void main(String[] args) {
    int listen = Integer.parseInt(args[0]);
    int backend = Integer.parseInt(args[1]);
    Vertx.vertx()
        .deployVerticle(
            () -> new BareProxy(listen, backend),
            new DeploymentOptions().setInstances(Integer.parseInt(args[2])))
        .onSuccess(id -> System.out.println("proxying 127.0.0.1:" + listen + " to :" + backend))
        .onFailure(
            err -> {
              err.printStackTrace();
              System.exit(1);
            });
  }
}
