using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Birthday.Hosting.Compose;

/// <summary>
/// Turns the manifest's value expressions (<c>{postgres.bindings.tcp.host}</c>, <c>{birthday.connectionString}</c>,
/// <c>{admin-api-key.value}</c>) into what they mean inside a Compose network: a service's name for a host, the port it
/// listens on inside its container, and a <c>${VARIABLE}</c> from the env file for every parameter. Literal text is
/// escaped, so a shell's <c>$PGDATA</c> reaches the container instead of being read by Compose.
/// </summary>
internal sealed partial class ManifestExpressions(JsonObject resources)
{
    /// <summary>What a project listens on inside its container (the .NET images' defaults).</summary>
    public static int ProjectPort(string scheme) => scheme == "https" ? 8443 : 8080;

    /// <summary>Every parameter the resolved expressions used, by manifest name.</summary>
    public SortedSet<string> Parameters { get; } = new(StringComparer.Ordinal);

    public string Resolve(string expression)
    {
        var result = new StringBuilder();
        var position = 0;
        foreach (var placeholder in Placeholders(expression))
        {
            result.Append(Escape(expression[position..placeholder.Index])).Append(ResolvePlaceholder(placeholder.Groups[1].Value));
            position = placeholder.Index + placeholder.Length;
        }

        return result.Append(Escape(expression[position..])).ToString();
    }

    /// <summary>The Compose services a resource stands for: itself, or the servers its connection string names.</summary>
    public IEnumerable<string> ServicesBehind(string resourceName)
    {
        var resource = Resource(resourceName);
        if (IsService(resource))
        {
            return [resourceName];
        }

        if ((string?)resource["type"] == "parameter.v0")
        {
            return [];
        }

        var expression = (string?)resource["connectionString"] ?? (string?)resource["value"] ?? "";
        return Placeholders(expression)
            .Select(match => match.Groups[1].Value.Split('.')[0])
            .Distinct(StringComparer.Ordinal)
            .SelectMany(ServicesBehind)
            .Distinct(StringComparer.Ordinal);
    }

    private static bool IsService(JsonObject resource) =>
        ((string?)resource["type"])?.Split('.')[0] is "container" or "project";

    /// <summary><c>postgres-password</c> → <c>POSTGRES_PASSWORD</c>.</summary>
    public static string VariableName(string parameterName) => parameterName.ToUpperInvariant().Replace('-', '_');

    /// <summary>A variable Compose refuses to start without, saying where it belongs.</summary>
    public static string RequiredVariable(string variable) => $"${{{variable}:?set {variable} in .env.prod}}";

    public static string Escape(string literal) => literal.Replace("$", "$$", StringComparison.Ordinal);

    public bool IsSecret(string parameterName) => (bool?)Resource(parameterName)["inputs"]?["value"]?["secret"] ?? false;

    public bool IsGenerated(string parameterName) => Resource(parameterName)["inputs"]?["value"]?["default"]?["generate"] is not null;

    private string ResolvePlaceholder(string path)
    {
        var parts = path.Split('.');
        var resource = Resource(parts[0]);
        return ((string?)resource["type"], parts[1]) switch
        {
            ("parameter.v0", "value") => Variable(parts[0]),
            (_, "value") => Resolve((string?)resource["value"] ?? ""),
            (_, "connectionString") => Resolve((string?)resource["connectionString"] ?? ""),
            (_, "bindings") when parts.Length == 4 => Binding(parts[0], resource, parts[2], parts[3]),
            _ => throw new InvalidOperationException($"The Compose export does not know what '{{{path}}}' means inside a Compose network."),
        };
    }

    private string Variable(string parameterName)
    {
        Parameters.Add(parameterName);
        return RequiredVariable(VariableName(parameterName));
    }

    private static string Binding(string resourceName, JsonObject resource, string bindingName, string property)
    {
        var binding = resource["bindings"]?[bindingName] ?? throw new InvalidOperationException($"'{resourceName}' has no binding '{bindingName}'.");
        var scheme = (string?)binding["scheme"] ?? "tcp";
        var port = ((int?)binding["targetPort"] ?? ProjectPort(scheme)).ToString(CultureInfo.InvariantCulture);
        return property switch
        {
            "host" => resourceName,
            "port" or "targetPort" => port,
            "scheme" => scheme,
            "url" => $"{scheme}://{resourceName}:{port}",
            _ => throw new InvalidOperationException($"The Compose export does not know binding property '{property}' of '{resourceName}'."),
        };
    }

    private JsonObject Resource(string name) =>
        resources[name]?.AsObject() ?? throw new InvalidOperationException($"The manifest has no resource '{name}'.");

    /// <summary>
    /// The manifest does not escape literal braces (an Erlang term in an environment variable has plenty), so only
    /// <c>{resource.property…}</c> naming a resource of the manifest counts as a reference.
    /// </summary>
    private IEnumerable<Match> Placeholders(string expression) =>
        Placeholder().Matches(expression).Where(match => resources.ContainsKey(match.Groups[1].Value.Split('.')[0]));

    [GeneratedRegex(@"\{([A-Za-z0-9_-]+\.[A-Za-z0-9_.-]+)\}")]
    private static partial Regex Placeholder();
}
