sbatch <<-'END'
	#SBATCH -N 2
	srun hostname
	END
