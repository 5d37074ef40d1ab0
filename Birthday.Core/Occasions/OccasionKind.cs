using System.Text.RegularExpressions;
using NodaTime;

namespace Birthday.Core.Occasions;

/// <summary>A kind of occasion described as data, so a new kind is a registration rather than a new branch.</summary>
public sealed partial record OccasionKind(string Code, LocalTime SendTime, string MessageTemplate)
{
    public static readonly LocalTime DefaultSendTime = new(9, 0);

    public string Render(string first, string last) =>
        // Why a single pass: a name that itself contains "{last}" must not be expanded a second time.
        Placeholder().Replace(MessageTemplate, match => match.Groups[1].Value == "first" ? first : last);

    [GeneratedRegex(@"\{(first|last)\}")]
    private static partial Regex Placeholder();
}
