namespace Birthday.Api.Users;

/// <summary>A field of a partial update: absent (<c>default</c>: leave it), or set to a value (null clears an optional field).</summary>
public readonly record struct FieldChange<T>(bool IsSet, T Value)
{
    public T Or(T current) => IsSet ? Value : current;
}

public static class FieldChange
{
    public static FieldChange<T> Set<T>(T value) => new(true, value);
}
