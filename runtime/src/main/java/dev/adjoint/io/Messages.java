package dev.adjoint.io;

/**
 * Keeps error messages readable whatever the file holds: a message that quotes a file's content
 * (a key, a class name, a list of entries) could otherwise be as long as the file.
 */
final class Messages {
  /** The longest message an exception of a reader keeps; the middle of a longer one is cut. */
  static final int MAX_LENGTH = 2000;

  private static final int HEAD = 1400;
  private static final int TAIL = 500;

  private Messages() {}

  /**
   * {@code message}, or its first 1400 and last 500 characters with the number of characters
   * cut between them when it is longer than {@link #MAX_LENGTH}: the start names the file and
   * the problem, the end holds the advice.
   */
  static String bounded(String message) {
    if (message == null || message.length() <= MAX_LENGTH) {
      return message;
    }
    int head = HEAD;
    if (Character.isHighSurrogate(message.charAt(head - 1))) {
      head--;
    }
    int tail = message.length() - TAIL;
    if (Character.isLowSurrogate(message.charAt(tail))) {
      tail++;
    }
    return message.substring(0, head) + " [... " + (tail - head) + " characters cut ...] "
        + message.substring(tail);
  }
}
