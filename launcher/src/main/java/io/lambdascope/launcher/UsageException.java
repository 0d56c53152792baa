package io.lambdascope.launcher;

/** A mistake on the command line: printed as one line with a pointer to {@code --help}. */
class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
