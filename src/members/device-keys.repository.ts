import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, type Repository } from 'typeorm';
import { DeviceKey } from './entities/device-key.entity';

@Injectable()
export class DeviceKeysRepository {
  private readonly repo: Repository<DeviceKey>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(DeviceKey);
  }

  insert(values: Pick<DeviceKey, 'memberId' | 'label' | 'publicKey' | 'createdBy'>): Promise<DeviceKey> {
    return this.repo.save(this.repo.create({ ...values, revokedAt: null }));
  }

  listOfMember(memberId: string): Promise<DeviceKey[]> {
    return this.repo.find({ where: { memberId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findById(id: string): Promise<DeviceKey | null> {
    return this.repo.findOne({ where: { id } });
  }

  async existsByPublicKey(publicKey: string): Promise<boolean> {
    return this.repo.exists({ where: { publicKey } });
  }

  async revoke(id: string): Promise<void> {
    await this.repo.update({ id, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
  }
}
