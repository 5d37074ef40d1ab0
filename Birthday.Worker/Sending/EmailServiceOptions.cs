using System.ComponentModel.DataAnnotations;

namespace Birthday.Worker.Sending;

/// <summary>Where the email vendor is and how hard to try within one delivery (configuration section <c>EmailService</c>).</summary>
public sealed class EmailServiceOptions
{
    public const string SectionName = "EmailService";

    /// <summary>The vendor's base URL; service discovery resolves <c>http://email-simulator</c> in development and tests.</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("http://email-simulator");

    /// <summary>One call may take this long; the vendor sometimes hangs.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Quick retries inside one delivery, before the message goes back to the database to wait.</summary>
    [Range(0, 10)]
    public int QuickRetries { get; set; } = 3;

    /// <summary>A Retry-After longer than this is not waited out in memory: the message waits in the database instead.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan MaxQuickRetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the circuit stays open after it trips.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}
