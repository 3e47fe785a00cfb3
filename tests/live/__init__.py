"""Real server processes: faults, workers, load, soak, the package, the deployment files, the rehearsal."""
