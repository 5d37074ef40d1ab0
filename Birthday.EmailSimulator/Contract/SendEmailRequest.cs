namespace Birthday.EmailSimulator.Contract;

/// <summary>The body of <c>POST /send-email</c>. Both fields are required; they are nullable so a missing one can be reported.</summary>
public sealed record SendEmailRequest(string? Email, string? Message);
