# Source manifest of the NeuralTrader.Swarm module. The build copies it to output/NeuralTrader.Swarm/<version>/;
# ModuleVersion must equal <Version> in Directory.Build.props (a test checks).
@{
    RootModule           = 'module/NeuralTrader.Swarm.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0e7a52-3f7c-4b8e-9a41-2d6c1f0b9e37'
    Author               = 'NeuralTrader.Swarm contributors'
    CompanyName          = 'NeuralTrader.Swarm'
    Copyright            = 'Copyright (c) NeuralTrader.Swarm contributors'
    Description          = 'Runs swarms of trading-strategy agents, each backtesting a strategy on real daily prices in its own sandbox, and returns typed results to the pipeline.'
    CompatiblePSEditions = @('Desktop', 'Core')
    PowerShellVersion    = '5.1'
    FormatsToProcess     = @('module/NeuralTrader.Swarm.Format.ps1xml')
    FunctionsToExport    = @()
    CmdletsToExport      = @(
        'Set-SwarmConfiguration'
        'Get-SwarmConfiguration'
        'New-SwarmCoordinator'
        'Register-Strategy'
        'Get-Strategy'
        'Unregister-Strategy'
        'Start-Swarm'
        'Get-SwarmStatus'
        'Get-SwarmSandbox'
        'Stop-Swarm'
        'Clear-Swarm'
        # Learning and the trajectory store (issue 4/6)
        'Get-SwarmLearningStats'
        'Get-SwarmSuggestion'
        'Get-SwarmPattern'
        'Get-SwarmTrajectory'
        'Reset-SwarmLearning'
        'Test-SwarmStore'
        'Export-SwarmState'
        'Import-SwarmState'
        'New-SwarmEncryptionKey'
        'New-SwarmKeyPair'
        # benchmark, recommendations, Docker image
        'Invoke-SwarmBenchmark'
        'Invoke-SwarmOptimization'
        'Get-SwarmRecommendation'
        'Build-SwarmSandboxImage'
    )
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Trading', 'Backtest', 'Swarm', 'Sandbox', 'Docker', 'Finance', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://github.com/neuraltrader/NeuralTrader.Swarm/blob/main/LICENSE'
            ProjectUri   = 'https://github.com/neuraltrader/NeuralTrader.Swarm'
            ReleaseNotes = 'See CHANGELOG.md: https://github.com/neuraltrader/NeuralTrader.Swarm/blob/main/CHANGELOG.md'
        }
    }
}
