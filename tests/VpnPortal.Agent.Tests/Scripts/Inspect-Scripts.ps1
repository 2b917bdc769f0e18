<#
.SYNOPSIS
    Parses scripts with PowerShell's own parser and lists what in them Windows PowerShell 5.1 would not run.

.DESCRIPTION
    Reads a JSON array of { "Name": ..., "Text": ... } (a script's text) or { "Name": ..., "Path": ... } (a script file)
    and writes a JSON array of { "Name", "Errors": [{ "Line", "Column", "Message" }], "Findings": [{ "Line", "Rule", "Text" }] }.

    Errors are the parser's. Findings come from walking the syntax tree for what PowerShell 6 and 7 added and 5.1 either
    refuses to parse or, worse, reads differently:
    - syntax: the ternary a ? b : c, pipeline chains && and ||, ?? and ??=, ?. and ?[], clean {} blocks, the background
      operator (a pipeline ending in &);
    - literals: the number suffixes u, y, uy, s, us, ul and n, and the escapes `e and `u{...} in double-quoted strings
      (5.1 reads `e as e and `u as u, without an error);
    - variables 5.1 does not set ($IsWindows, $IsLinux, $IsMacOS, $IsCoreCLR, $PSStyle, ...; there they are $null);
    - the commands, parameters and parameter values below that 5.1 does not have, also when a parameter is abbreviated.
    It is PowerShell 7's parser reading the text, not Windows PowerShell 5.1: anything not on these lists (another
    cmdlet's newer parameter, a .NET API that .NET Framework lacks, a module only Windows has) is not seen here.
#>
param(
    [Parameter(Mandatory)]
    [string] $InputPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

# Commands added in PowerShell 6 or 7.
$NewCommands = @(
    'Get-Error', 'Join-String', 'Test-Json', 'Get-Uptime', 'Remove-Alias', 'Remove-Service', 'Get-SecureRandom',
    'ConvertFrom-Markdown', 'Show-Markdown', 'Get-MarkdownOption', 'Set-MarkdownOption', 'ConvertTo-CliXml',
    'ConvertFrom-CliXml', 'Get-PSSubsystem', 'Get-ExperimentalFeature', 'Enable-ExperimentalFeature',
    'Disable-ExperimentalFeature'
)

# Parameters added in PowerShell 6 or 7 to commands 5.1 has.
$WebParameters = @(
    'SkipCertificateCheck', 'SslProtocol', 'Authentication', 'Token', 'SkipHttpErrorCheck', 'StatusCodeVariable',
    'ResponseHeadersVariable', 'MaximumRetryCount', 'RetryIntervalSec', 'Form', 'Resume', 'NoProxy', 'SkipHeaderValidation',
    'AllowUnencryptedAuthentication', 'HttpVersion', 'PreserveAuthorizationOnRedirect', 'CustomMethod',
    'ConnectionTimeoutSeconds', 'OperationTimeoutSeconds', 'AllowInsecureRedirect', 'PreserveHttpMethodOnRedirect', 'UnixSocket'
)
$NewParameters = @{
    'ConvertFrom-Json'  = @('AsHashtable', 'Depth', 'NoEnumerate', 'DateKind')
    'ConvertTo-Json'    = @('AsArray', 'EnumsAsStrings', 'EscapeHandling')
    'ForEach-Object'    = @('Parallel', 'ThrottleLimit', 'TimeoutSeconds', 'AsJob', 'UseNewRunspace')
    'Get-Content'       = @('AsByteStream')
    'Set-Content'       = @('AsByteStream')
    'Add-Content'       = @('AsByteStream')
    'Invoke-WebRequest' = $WebParameters
    'Invoke-RestMethod' = $WebParameters
    'Select-String'     = @('Raw', 'NoEmphasis', 'Culture')
    'Select-Object'     = @('SkipIndex')
    'Sort-Object'       = @('Top', 'Bottom', 'Stable')
    'Get-Random'        = @('Shuffle')
    'Split-Path'        = @('Extension', 'LeafBase')
    'Get-Date'          = @('AsUTC', 'UnixTimeSeconds')
    'Start-Process'     = @('Environment')
    'New-Service'       = @('SecurityDescriptorSddl')
    'Set-Service'       = @('BinaryPathName', 'Credential', 'SecurityDescriptorSddl')
    'Test-Connection'   = @('TargetName', 'Ping', 'Repeat', 'TcpPort', 'MtuSize', 'Traceroute', 'IPv4', 'IPv6', 'ResolveDestination', 'Detailed', 'TimeoutSeconds')
    'Get-Command'       = @('UseFuzzyMatching', 'UseAbbreviationExpansion', 'FuzzyMinimumDistance')
}

# Parameter values 5.1 refuses (its -Encoding is FileSystemCmdletProviderEncoding; its startup types have no delayed start).
$NewValues = @{
    'Encoding'    = @('utf8NoBOM', 'utf8BOM', 'ansi', 'latin1')
    'StartupType' = @('AutomaticDelayedStart')
}

$Aliases = @{ '%' = 'ForEach-Object'; 'foreach' = 'ForEach-Object'; 'select' = 'Select-Object'; 'sort' = 'Sort-Object'; 'iwr' = 'Invoke-WebRequest'; 'irm' = 'Invoke-RestMethod'; 'gc' = 'Get-Content'; 'sc' = 'Set-Content'; 'ac' = 'Add-Content'; 'sls' = 'Select-String' }

$NewVariables = @('IsWindows', 'IsLinux', 'IsMacOS', 'IsCoreCLR', 'PSStyle', 'EnabledExperimentalFeatures', 'PSNativeCommandArgumentPassing', 'PSNativeCommandUseErrorActionPreference')

function Test-Abbreviation([string] $Written, [string] $Full) {
    # PowerShell takes any unambiguous start of a parameter's name.
    $Written.Length -ge 2 -and $Full.StartsWith($Written, [StringComparison]::OrdinalIgnoreCase)
}

function Find-SevenOnly([System.Management.Automation.Language.Ast] $Ast) {
    foreach ($node in $Ast.FindAll({ $true }, $true)) {
        $rules = [System.Collections.Generic.List[string]]::new()
        switch ($node.GetType().Name) {
            'TernaryExpressionAst' { $rules.Add('ternary operator a ? b : c') }
            'PipelineChainAst' { $rules.Add('pipeline chain && or ||') }
            'BinaryExpressionAst' { if ($node.Operator -eq 'QuestionQuestion') { $rules.Add('null-coalescing operator ??') } }
            'AssignmentStatementAst' { if ($node.Operator -eq 'QuestionQuestionEquals') { $rules.Add('null-coalescing assignment ??=') } }
            { $_ -in 'MemberExpressionAst', 'InvokeMemberExpressionAst' } { if ($node.NullConditional) { $rules.Add('null-conditional member access ?.') } }
            'IndexExpressionAst' { if ($node.NullConditional) { $rules.Add('null-conditional index ?[]') } }
            'ScriptBlockAst' { if ($node.CleanBlock) { $rules.Add('clean block') } }
            'PipelineAst' { if ($node.Background) { $rules.Add('background operator &') } }
            'VariableExpressionAst' { if ($node.VariablePath.UserPath -in $NewVariables) { $rules.Add("variable `$$($node.VariablePath.UserPath), not set in 5.1") } }
            'ConstantExpressionAst' {
                if ($node.StaticType -ne [string] -and $node.Extent.Text -match '^(0x[0-9a-f]+|0b[01]+|[0-9.]+(e[+-]?[0-9]+)?)(u|y|uy|s|us|ul|n)(kb|mb|gb|tb|pb)?$') {
                    $rules.Add("number suffix $($Matches[3])")
                }
            }
            { $_ -in 'StringConstantExpressionAst', 'ExpandableStringExpressionAst' } {
                if ($node.StringConstantType -in 'DoubleQuoted', 'DoubleQuotedHereString') {
                    foreach ($escape in [regex]::Matches($node.Extent.Text, '(?<!`)(?:``)*`(e|u\{)')) {
                        $rules.Add("escape ``$($escape.Groups[1].Value) in a double-quoted string")
                    }
                }
            }
            'CommandAst' {
                $name = $node.GetCommandName()
                if ($name -and $Aliases.ContainsKey($name)) { $name = $Aliases[$name] }
                if ($name -in $NewCommands) {
                    $rules.Add("command $name")
                }
                elseif ($name) {
                    $elements = $node.CommandElements
                    for ($i = 1; $i -lt $elements.Count; $i++) {
                        $parameter = $elements[$i]
                        if ($parameter -isnot [System.Management.Automation.Language.CommandParameterAst]) { continue }
                        foreach ($new in @($NewParameters[$name])) {
                            if ($new -and (Test-Abbreviation $parameter.ParameterName $new)) { $rules.Add("parameter -$new of $name") }
                        }
                        foreach ($valued in $NewValues.Keys) {
                            if (-not (Test-Abbreviation $parameter.ParameterName $valued)) { continue }
                            $value = if ($parameter.Argument) { $parameter.Argument } elseif ($i + 1 -lt $elements.Count) { $elements[$i + 1] } else { $null }
                            if ($value -is [System.Management.Automation.Language.StringConstantExpressionAst] -and $value.Value -in $NewValues[$valued]) {
                                $rules.Add("value $($value.Value) of -$valued")
                            }
                        }
                    }
                }
            }
        }

        foreach ($rule in $rules) {
            [pscustomobject]@{ Line = $node.Extent.StartLineNumber; Rule = $rule; Text = $node.Extent.Text.Split("`n")[0].Trim() }
        }
    }
}

$results = foreach ($item in (Get-Content -Raw -LiteralPath $InputPath | ConvertFrom-Json)) {
    $tokens = $null
    $errors = $null
    $ast = if ($item.PSObject.Properties['Path']) {
        [System.Management.Automation.Language.Parser]::ParseFile($item.Path, [ref] $tokens, [ref] $errors)
    }
    else {
        [System.Management.Automation.Language.Parser]::ParseInput($item.Text, [ref] $tokens, [ref] $errors)
    }

    [pscustomobject]@{
        Name     = $item.Name
        Errors   = @($errors | ForEach-Object { [pscustomobject]@{ Line = $_.Extent.StartLineNumber; Column = $_.Extent.StartColumnNumber; Message = $_.Message } })
        Findings = @(Find-SevenOnly $ast)
    }
}

ConvertTo-Json -InputObject @($results) -Depth 5 -Compress
