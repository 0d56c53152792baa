package io.lambdascope.emulator.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Sends SIGSTOP and SIGCONT, which Java cannot: through one long-lived shell whose {@code kill} is a builtin, so a
 * freeze or a thaw costs a line on a pipe rather than a new process (tens of milliseconds on a loaded machine, on
 * the path of every invocation). The shell is started again if it dies.
 */
final class ProcessSignals implements AutoCloseable {
  private Process shell;
  private Writer commands;
  private BufferedReader answers;
  private boolean closed;

  /** Sends {@code signal} ({@code STOP}, {@code CONT}) to the processes and returns once the shell did it. */
  synchronized void send(String signal, List<ProcessHandle> processes) {
    if (processes.isEmpty() || closed) {
      return;
    }
    StringBuilder line = new StringBuilder("kill -").append(signal);
    processes.forEach(p -> line.append(' ').append(p.pid()));
    line.append(" 2>/dev/null; echo done\n");
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        if (shell == null || !shell.isAlive()) {
          start();
        }
        commands.write(line.toString());
        commands.flush();
        String answer;
        while ((answer = answers.readLine()) != null && !answer.equals("done")) {
          // anything else the shell says is not ours
        }
        if (answer != null) {
          return;
        }
      } catch (IOException e) {
        // the shell is gone: start another
      }
      stopShell();
    }
    throw new IllegalStateException("cannot send SIG" + signal + " through /bin/sh");
  }

  private void start() throws IOException {
    shell = new ProcessBuilder("/bin/sh").redirectErrorStream(true).start();
    commands = new OutputStreamWriter(shell.getOutputStream(), StandardCharsets.UTF_8);
    answers = new BufferedReader(new InputStreamReader(shell.getInputStream(), StandardCharsets.UTF_8));
  }

  private void stopShell() {
    if (shell != null) {
      shell.destroyForcibly();
      try {
        shell.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      shell = null;
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    stopShell();
  }
}
