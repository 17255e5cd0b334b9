package dev.kindling.engine.scheduler;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Spark 4's job tags: a thread's tags are its local property {@code spark.job.tags}, joined with
 * commas, so every job the thread starts carries them and {@code cancelJobsWithTag} can find it.
 * A tag may not be null, empty or contain a comma (Spark's messages).
 */
public final class JobTags {
  public static final String PROPERTY = "spark.job.tags";
  static final String SEPARATOR = ",";

  private JobTags() {}

  public static void validate(String tag) {
    if (tag == null) {
      throw new IllegalArgumentException("Spark job tag cannot be null.");
    }
    if (tag.contains(SEPARATOR)) {
      throw new IllegalArgumentException("Spark job tag cannot contain '" + SEPARATOR + "'.");
    }
    if (tag.isEmpty()) {
      throw new IllegalArgumentException("Spark job tag cannot be an empty string.");
    }
  }

  /** The tags in a {@code spark.job.tags} value (null: none), empty entries ignored. */
  public static Set<String> parse(String property) {
    Set<String> tags = new LinkedHashSet<>();
    if (property != null) {
      Arrays.stream(property.split(SEPARATOR)).filter(t -> !t.isEmpty()).forEach(tags::add);
    }
    return tags;
  }

  public static String join(Set<String> tags) {
    return tags.isEmpty() ? null : String.join(SEPARATOR, tags);
  }
}
