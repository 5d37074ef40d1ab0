namespace Birthday.EmailSimulator.Contract;

/// <summary>The vendor's error body: a short code clients branch on and a sentence for people.</summary>
public sealed record VendorError(string Error, string Message);
