using System.Text.Json.Nodes;
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Aspire's pipeline API is marked experimental in 13.6; it is the supported way to add a publish step.
#pragma warning disable ASPIREPIPELINES001, ASPIREPIPELINES004

namespace Birthday.Hosting.Compose;

public static class ComposeExportExtensions
{
    public const string StepName = "publish-compose";
    public const string ComposeFile = "deploy/docker-compose.prod.yml";
    public const string EnvironmentExampleFile = "deploy/.env.prod.example";

    /// <summary>Aspire's own step that writes aspire-manifest.json into the output folder.</summary>
    private const string ManifestStepName = "publish-manifest";

    /// <summary>
    /// A publish step that writes the production Compose file and its env file example from the manifest Aspire has just
    /// written into the same folder, so both exports always describe one model:
    /// <c>dotnet run --project Birthday.AppHost -- --operation publish --step publish-compose --output-path ..</c>
    /// </summary>
    public static IDistributedApplicationBuilder AddComposeExport(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Pipeline.AddStep(StepName, WriteComposeFilesAsync, dependsOn: ManifestStepName, requiredBy: WellKnownPipelineSteps.Publish);
        return builder;
    }

    private static async Task WriteComposeFilesAsync(PipelineStepContext context)
    {
        var output = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "aspire-manifest.json"), context.CancellationToken))!;
        var writer = new ComposeFileWriter(manifest["resources"]!.AsObject(), context.Model);

        Directory.CreateDirectory(Path.Combine(output, Path.GetDirectoryName(ComposeFile)!));
        // The compose file first: writing it collects the variables the env file example lists.
        await File.WriteAllTextAsync(Path.Combine(output, ComposeFile), writer.WriteComposeFile(), context.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(output, EnvironmentExampleFile), writer.WriteEnvironmentExample(), context.CancellationToken);
        context.Logger.LogInformation("Wrote {ComposeFile} and {EnvironmentFile} in {Output}", ComposeFile, EnvironmentExampleFile, output);
    }
}
