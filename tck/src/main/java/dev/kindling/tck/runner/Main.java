package dev.kindling.tck.runner;

/** Entry point of {@code kindling-tck.jar}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(new TckCli().run(args, System.out, System.err));
  }
}
