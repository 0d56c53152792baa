package io.lambdascope.settings;

/**
 * A setting that is missing, malformed or out of range. The message names the setting, shows the
 * value (never a secret's) and the form expected.
 */
public final class SettingException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public SettingException(String message) {
    super(message);
  }
}
