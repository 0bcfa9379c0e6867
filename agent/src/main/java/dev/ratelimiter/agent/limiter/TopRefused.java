package dev.ratelimiter.agent.limiter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * The clients this agent refused most over the last minutes, in bounded memory whatever their
 * number: the space-saving sketch (Metwally, Agrawal, El Abbadi), which keeps {@link #CAPACITY}
 * counters; a client refused more than {@code refusals / CAPACITY} times is always among them, and
 * a count is never below the truth and at most {@code error} above it. Two sketches take turns
 * every {@link #PERIOD_MILLIS}, so the answer covers the last one to two periods. Client keys only,
 * never raw header values or tokens (a key is a hash of them).
 *
 * <p>Each thread that refuses (an event loop) keeps its own sketches, up to {@link #MAX_STRIPES} of
 * them (more threads share), so that event loops refusing the same abuser do not contend for one
 * lock and one counter; {@link #top} adds their counts up. A client refused more than {@code
 * refusals / CAPACITY} times in all is more than that in at least one stripe, so it is still found.
 */
public final class TopRefused {

  public static final int CAPACITY = 1024;
  public static final long PERIOD_MILLIS = 5 * 60_000;

  /** Threads with sketches of their own; further threads share them. */
  public static final int MAX_STRIPES = 8;

  /**
   * A client and how often it was refused; at most {@code error} of {@code count} is overcounted.
   */
  public record Client(String key, long count, long error) {}

  private final LongSupplier clockMillis;
  private final List<Stripe> stripes = new CopyOnWriteArrayList<>();
  private final ThreadLocal<Stripe> mine = ThreadLocal.withInitial(this::stripe);

  public TopRefused(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
  }

  private synchronized Stripe stripe() {
    if (stripes.size() < MAX_STRIPES) {
      Stripe stripe = new Stripe(clockMillis.getAsLong());
      stripes.add(stripe);
      return stripe;
    }
    return stripes.get((int) (Thread.currentThread().getId() % MAX_STRIPES));
  }

  public void refused(String client) {
    mine.get().refused(client, clockMillis.getAsLong());
  }

  /** The {@code n} clients refused most over the last one to two periods, most first. */
  public List<Client> top(int n) {
    long now = clockMillis.getAsLong();
    List<Snapshot> sketches = new ArrayList<>();
    for (Stripe stripe : stripes) {
      stripe.snapshots(now, sketches);
    }
    Map<String, Client> merged = new HashMap<>();
    for (Snapshot sketch : sketches) {
      for (String key : sketch.counts.keySet()) {
        merged.computeIfAbsent(key, k -> merge(k, sketches));
      }
    }
    List<Client> all = new ArrayList<>(merged.values());
    all.sort(Comparator.comparingLong(Client::count).reversed().thenComparing(Client::key));
    return List.copyOf(all.subList(0, Math.min(n, all.size())));
  }

  /**
   * One client over every sketch. A full sketch without it may still have refused it up to its
   * smallest count (it was evicted, or came after the sketch filled): that much is added to the
   * count and to the error, so that a count is never below the truth (the mergeable form of
   * space-saving).
   */
  private static Client merge(String key, List<Snapshot> sketches) {
    long count = 0;
    long error = 0;
    for (Snapshot sketch : sketches) {
      long[] counted = sketch.counts.get(key);
      if (counted != null) {
        count += counted[0];
        error += counted[1];
      } else {
        count += sketch.floor;
        error += sketch.floor;
      }
    }
    return new Client(key, count, error);
  }

  /**
   * A sketch's counts and errors as read, and the most a client it does not hold may have been
   * refused in it: its smallest count when full, else 0.
   */
  private record Snapshot(Map<String, long[]> counts, long floor) {}

  /** Clients the sketches hold counters for: at most twice {@link #CAPACITY} per stripe. */
  public int tracked() {
    int tracked = 0;
    for (Stripe stripe : stripes) {
      tracked += stripe.tracked();
    }
    return tracked;
  }

  /** One thread's two sketches, taking turns every period. */
  private static final class Stripe {
    private Sketch current = new Sketch();
    private Sketch previous = new Sketch();
    private long periodStart;

    Stripe(long now) {
      periodStart = now;
    }

    synchronized void refused(String client, long now) {
      turn(now);
      current.add(client);
    }

    synchronized void snapshots(long now, List<Snapshot> into) {
      turn(now);
      for (Sketch sketch : List.of(previous, current)) {
        Map<String, long[]> counts = new HashMap<>();
        sketch.counters.forEach((key, c) -> counts.put(key, new long[] {c.count, c.error}));
        long floor =
            sketch.counters.size() >= CAPACITY && sketch.smallest != null
                ? sketch.smallest.count
                : 0;
        into.add(new Snapshot(counts, floor));
      }
    }

    synchronized int tracked() {
      return current.counters.size() + previous.counters.size();
    }

    private void turn(long now) {
      if (now - periodStart >= PERIOD_MILLIS) {
        previous = now - periodStart >= 2 * PERIOD_MILLIS ? new Sketch() : current;
        current = new Sketch();
        periodStart = now;
      }
    }
  }

  /**
   * Space-saving over a list of buckets in ascending count, each holding its counters: an increment
   * moves a counter to the next bucket, a new client takes over a counter of the smallest bucket.
   */
  private static final class Sketch {
    private final Map<String, Counter> counters = new HashMap<>();
    private Bucket smallest;

    void add(String key) {
      Counter c = counters.get(key);
      if (c == null) {
        if (counters.size() < CAPACITY) {
          c = new Counter(key);
          counters.put(key, c);
          startAtZero(c);
        } else {
          c = smallest.any(); // evict one of the least counted: the newcomer inherits its count
          counters.remove(c.key);
          c.error = c.bucket.count;
          c.key = key;
          counters.put(key, c);
        }
      }
      increment(c);
    }

    private void increment(Counter c) {
      Bucket from = c.bucket;
      long next = from.count + 1;
      Bucket to = from.next != null && from.next.count == next ? from.next : null;
      if (to == null && from.head == c && c.after == null) {
        from.count = next; // alone in its bucket, as a heavy hitter is: the bucket moves up with it
        c.count = next;
        return;
      }
      from.remove(c);
      if (to == null) {
        to = new Bucket(next);
        to.prev = from;
        to.next = from.next;
        if (from.next != null) {
          from.next.prev = to;
        }
        from.next = to;
      }
      to.add(c);
      c.count = next;
      if (from.isEmpty()) {
        unlink(from);
      }
    }

    /** A new counter, in a bucket of count 0 before the smallest one, until its increment. */
    private void startAtZero(Counter c) {
      Bucket zero = new Bucket(0);
      zero.next = smallest;
      if (smallest != null) {
        smallest.prev = zero;
      }
      smallest = zero;
      zero.add(c);
    }

    private void unlink(Bucket b) {
      if (b.prev != null) {
        b.prev.next = b.next;
      } else {
        smallest = b.next;
      }
      if (b.next != null) {
        b.next.prev = b.prev;
      }
    }
  }

  private static final class Counter {
    String key;
    long count;
    long error;
    Bucket bucket;
    Counter before;
    Counter after;

    Counter(String key) {
      this.key = key;
    }
  }

  /** The counters of one count, as a doubly linked list. */
  private static final class Bucket {
    long count;
    Bucket prev;
    Bucket next;
    private Counter head;

    Bucket(long count) {
      this.count = count;
    }

    void add(Counter c) {
      c.bucket = this;
      c.before = null;
      c.after = head;
      if (head != null) {
        head.before = c;
      }
      head = c;
    }

    void remove(Counter c) {
      if (c.before != null) {
        c.before.after = c.after;
      } else {
        head = c.after;
      }
      if (c.after != null) {
        c.after.before = c.before;
      }
      c.before = null;
      c.after = null;
    }

    Counter any() {
      return head;
    }

    boolean isEmpty() {
      return head == null;
    }
  }
}
