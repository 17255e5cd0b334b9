package dev.kindling.tck.driver;

/** What one run of the driver program did: its exit status and output. */
final class DriverRun {
  final int exit;
  final String stdout;
  final String output;

  DriverRun(int exit, String stdout, String stderr) {
    this.exit = exit;
    this.stdout = stdout;
    this.output = stdout + "\n" + stderr;
  }

  /** The value of the last {@code key=value} line on standard output, or null. */
  String value(String key) {
    String found = null;
    for (String line : stdout.split("\n")) {
      if (line.startsWith(key + "=")) {
        found = line.substring(key.length() + 1).strip();
      }
    }
    return found;
  }

  @Override
  public String toString() {
    return "exit " + exit + ", output:\n" + output.strip();
  }
}
