using System.Diagnostics.CodeAnalysis;

namespace Birthday.Core.Occasions;

/// <summary>Immutable registry of occasion kinds, looked up by their code.</summary>
public sealed class OccasionCatalog
{
    public static OccasionCatalog Default { get; } = new(
        new OccasionKind("birthday", OccasionKind.DefaultSendTime, "Hey, {first} {last} it's your birthday"),
        new OccasionKind("anniversary", OccasionKind.DefaultSendTime, "Hey, {first} {last} it's your work anniversary"));

    private readonly Dictionary<string, OccasionKind> _byCode;

    public OccasionCatalog(params IEnumerable<OccasionKind> kinds)
    {
        Kinds = kinds.ToList();
        _byCode = new Dictionary<string, OccasionKind>(StringComparer.Ordinal);
        foreach (var kind in Kinds)
        {
            if (string.IsNullOrWhiteSpace(kind.Code))
            {
                throw new ArgumentException("An occasion kind needs a code.", nameof(kinds));
            }

            if (!_byCode.TryAdd(kind.Code, kind))
            {
                throw new ArgumentException($"Occasion kind '{kind.Code}' is registered twice.", nameof(kinds));
            }
        }
    }

    public IReadOnlyList<OccasionKind> Kinds { get; }

    public bool TryGet(string code, [MaybeNullWhen(false)] out OccasionKind kind) => _byCode.TryGetValue(code, out kind);

    public OccasionKind Get(string code) =>
        TryGet(code, out var kind) ? kind : throw new KeyNotFoundException($"Unknown occasion kind '{code}'.");

    /// <summary>A new catalog with <paramref name="kind"/> added, or replacing the kind with the same code.</summary>
    public OccasionCatalog With(OccasionKind kind) =>
        new(_byCode.ContainsKey(kind.Code)
            ? Kinds.Select(existing => existing.Code == kind.Code ? kind : existing)
            : Kinds.Append(kind));
}
