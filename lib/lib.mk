# lib: rules come here
