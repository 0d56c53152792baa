package io.lambdascope.launcher;

import io.lambdascope.emulator.Emulator;
import io.lambdascope.emulator.EmulatorConfig;
import io.lambdascope.emulator.FunctionDefinition;
import io.lambdascope.settings.Setting;
import io.lambdascope.settings.Settings;
import java.util.List;

/** {@code lambdascope emulator --config FILE}: the local Lambda on its own, until stopped. */
final class EmulatorCommand implements Command {
  @Override
  public String name() {
    return "emulator";
  }

  @Override
  public String summary() {
    return "Run the local Lambda emulator: the functions of a functions file as real JVMs under the AWS runtime "
        + "client, with their layers and extensions, the Extensions and Telemetry APIs, frozen between invocations; "
        + "the Invoke API; SQS event sources on an embedded ElasticMQ.";
  }

  @Override
  public String usage() {
    return "--config FILE [options]";
  }

  @Override
  public List<Setting<?>> settings() {
    return SettingsCatalog.EMULATOR;
  }

  @Override
  public int run(Settings settings) {
    String collector = settings.get(EmulatorConfig.ENDPOINT).toString();
    Emulator emulator = Emulator.start(EmulatorConfig.fromSettings(
        DemoCommand.emulatorSettings(settings, collector).asMap()));
    System.out.println("lambdascope: emulator Invoke API at " + emulator.invokeEndpoint()
        + " (AWS SDK: endpointOverride), SQS at " + emulator.sqsEndpoint()
        + ", agents' endpoint " + collector);
    System.out.println("lambdascope: CloudWatch API at " + emulator.cloudWatchEndpoint()
        + " (the CloudWatch exporter: AWS_ENDPOINT_URL_CLOUDWATCH; docs/cloudwatch.md)");
    for (FunctionDefinition f : emulator.functions()) {
      System.out.println("lambdascope:   function " + f.name());
    }
    System.out.println("lambdascope: ready; Ctrl-C stops");
    ServeCommand.awaitTermination(emulator);
    return 0;
  }
}
