import { Global, Module } from '@nestjs/common';
import { CredentialRepository } from './credential.repository';
import { CredentialService } from './credential.service';

@Global()
@Module({ providers: [CredentialRepository, CredentialService], exports: [CredentialService] })
export class AuthModule {}
