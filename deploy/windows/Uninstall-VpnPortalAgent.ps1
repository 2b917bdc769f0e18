#Requires -Version 5.1
#Requires -RunAsAdministrator
<#
.SYNOPSIS
    Stops and removes the VpnPortal agent from this server.

.DESCRIPTION
    Removes the scheduled task and %ProgramFiles%\VpnPortal\Agent. The data folder (%ProgramData%\VpnPortal\Agent: the
    agent's credential, state and logs) is kept unless -RemoveData is given, so a reinstall can reuse the enrollment.
    Revoke the agent in the portal as well: deleting the files does not invalidate the credential there.

.PARAMETER RemoveData
    Also delete %ProgramData%\VpnPortal\Agent (credential, state and logs).
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [switch] $RemoveData
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$TaskPath = '\VpnPortal\'
$TaskName = 'VpnPortal Agent'
$InstallDir = Join-Path $env:ProgramFiles 'VpnPortal\Agent'
$DataDir = Join-Path $env:ProgramData 'VpnPortal\Agent'
$Exe = Join-Path $InstallDir 'VpnPortal.Agent.exe'

$task = Get-ScheduledTask -TaskPath $TaskPath -TaskName $TaskName -ErrorAction SilentlyContinue
if ($task -and $PSCmdlet.ShouldProcess("$TaskPath$TaskName", 'Stop and unregister the scheduled task')) {
    Stop-ScheduledTask -TaskPath $TaskPath -TaskName $TaskName
    Unregister-ScheduledTask -TaskPath $TaskPath -TaskName $TaskName -Confirm:$false
}

# Stop-ScheduledTask ends the task, but give the process a moment to go before its files are deleted.
$deadline = (Get-Date).AddSeconds(30)
while ((Get-Process -Name 'VpnPortal.Agent' -ErrorAction SilentlyContinue | Where-Object { $_.Path -eq $Exe }) -and (Get-Date) -lt $deadline) {
    Start-Sleep -Milliseconds 500
}

if ((Test-Path -LiteralPath $InstallDir) -and $PSCmdlet.ShouldProcess($InstallDir, 'Remove the agent program files')) {
    Remove-Item -LiteralPath $InstallDir -Recurse -Force
}

if ($RemoveData -and (Test-Path -LiteralPath $DataDir) -and $PSCmdlet.ShouldProcess($DataDir, 'Remove the agent credential, state and logs')) {
    Remove-Item -LiteralPath $DataDir -Recurse -Force
}

Write-Host 'The VpnPortal agent is removed. Revoke it in the portal if the server leaves the fleet.'
