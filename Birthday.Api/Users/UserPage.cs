namespace Birthday.Api.Users;

/// <summary>A page of users in creation order; pass <see cref="NextCursor"/> as <c>after</c> for the next page.</summary>
public sealed record UserPage(IReadOnlyList<UserResponse> Items, string? NextCursor);
