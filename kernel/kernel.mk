# kernel: rules come here
