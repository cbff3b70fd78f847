using Pgward.Core.Postgres.Wire;
using Xunit;

namespace Pgward.UnitTests.Postgres.Wire;

public sealed class Md5PasswordTests
{
    [Fact]
    public void Response_is_md5_of_md5_of_password_and_user_then_salt()
    {
        // python3: "md5" + md5(md5(b"secretpgward").hexdigest().encode() + bytes([1, 2, 3, 4])).hexdigest()
        Assert.Equal("md5cdace45612e1cd8f3f25d3f370c67804", Md5Password.Response("pgward", "secret", [1, 2, 3, 4]));
    }
}
