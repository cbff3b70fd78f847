using Pgward.Bench;

// pgward-bench write-load ... | failover-load ... | verify ...   (see the command classes for the options)
return args switch
{
    ["write-load", .. var rest] => await WriteLoadCommand.RunAsync(BenchArguments.Parse(rest), Console.Out),
    ["failover-load", .. var rest] => await FailoverLoadCommand.RunAsync(BenchArguments.Parse(rest), Console.Out),
    ["verify", .. var rest] => await VerifyCommand.RunAsync(BenchArguments.Parse(rest), Console.Out),
    _ => BenchArguments.Usage(Console.Error),
};
