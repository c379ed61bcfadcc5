using Slotgate.Security;

namespace Slotgate.Tests.Security;

/// <summary>SPIFFE ID patterns of <c>auth.users[].identities</c> and <c>diagnostics.identities</c>.</summary>
public class IdentityPatternTests
{
    [Theory]
    [InlineData("spiffe://cluster.local/ns/shop/sa/cart", "spiffe://cluster.local/ns/shop/sa/cart", true)]
    [InlineData("spiffe://cluster.local/ns/shop/sa/cart", "spiffe://cluster.local/ns/shop/sa/carts", false)]
    [InlineData("spiffe://cluster.local/ns/shop/sa/cart", "spiffe://cluster.local/ns/shop/sa/Cart", false)]
    [InlineData("spiffe://cluster.local/ns/shop/sa/*", "spiffe://cluster.local/ns/shop/sa/cart", true)]
    [InlineData("spiffe://cluster.local/ns/shop/sa/*", "spiffe://cluster.local/ns/shop/sa/", true)]
    [InlineData("spiffe://cluster.local/ns/shop/sa/*", "spiffe://cluster.local/ns/shop/sa/cart/extra", false)]
    [InlineData("spiffe://cluster.local/ns/shop/sa/*", "spiffe://cluster.local/ns/shopping/sa/cart", false)]
    [InlineData("spiffe://cluster.local/ns/*/sa/cart", "spiffe://cluster.local/ns/shop/sa/cart", true)]
    [InlineData("spiffe://cluster.local/ns/*/sa/cart", "spiffe://cluster.local/ns/a/b/sa/cart", false)]
    [InlineData("spiffe://cluster.local/ns/shop/sa/cart-*", "spiffe://cluster.local/ns/shop/sa/cart-v2", true)]
    [InlineData("spiffe://cluster.local/ns/shop/sa/*-reader", "spiffe://cluster.local/ns/shop/sa/cart-reader", true)]
    [InlineData("spiffe://cluster.local/ns/shop/sa/*-reader", "spiffe://cluster.local/ns/shop/sa/cart-writer", false)]
    [InlineData("spiffe://*/ns/shop/sa/cart", "spiffe://other.domain/ns/shop/sa/cart", true)]
    public void Matches_Identity_StarStaysWithinOneSegment(string pattern, string identity, bool expected)
    {
        IdentityPattern parsed = IdentityPattern.Parse(pattern, out string? error) ?? throw new InvalidOperationException(error);
        Assert.Equal(expected, parsed.Matches(identity));
    }

    [Theory]
    [InlineData("cluster.local/ns/shop/sa/cart", "is not a SPIFFE ID")]
    [InlineData("SPIFFE://cluster.local/ns/shop", "is not a SPIFFE ID")]
    [InlineData("spiffe://", "has no trust domain")]
    [InlineData("spiffe:///ns/shop", "has no trust domain")]
    [InlineData("spiffe://cluster.local/ns//sa", "empty path segment")]
    [InlineData("spiffe://cluster.local/ns/shop/", "empty path segment")]
    [InlineData("spiffe://cluster.local/ns/shop/sa/c?rt", "contains '?'")]
    [InlineData("spiffe://cluster.local/ns/shop,x", "contains ','")]
    [InlineData("spiffe://cluster.local/ns/shop sa", "contains ' '")]
    public void Parse_NotASpiffeIdPattern_ErrorSaysWhy(string pattern, string reason)
    {
        Assert.Null(IdentityPattern.Parse(pattern, out string? error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
